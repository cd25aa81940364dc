// The near cache's rule for reads in flight, with a tracker under the test's control: a read that
// an invalidation, a loss of tracking, FLUSHALL or a local write overtook is never kept, and
// nothing is answered from memory once the heartbeat lease has run out. (On a real Redis, with
// real processes: packages/fixtures and apps/demo/faults.)
import { describe, expect, it } from 'vitest'
import { KeyvStoreDriver } from './keyv-store.js'
import { NearCacheDriver } from './near-cache.js'
import type { Tracker, TrackerListener } from './tracking.js'

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

describe('near cache: a read that races an invalidation', () => {
  /** A tracker whose reads answer when the test says, from a map standing in for Redis. */
  class ControlledTracker implements Tracker {
    readonly data = new Map<string, string>()
    readonly pending: { keys: readonly string[]; answer: Deferred<unknown[]> }[] = []
    servingUntil = Number.POSITIVE_INFINITY
    connected = true
    constructor(readonly listener: TrackerListener) {}
    read(keys: readonly string[]): Promise<unknown[]> {
      const answer = deferred<unknown[]>()
      this.pending.push({ keys, answer })
      return answer.promise
    }
    /** Answers the oldest read with what the map holds now. */
    answerOldest(snapshot: Map<string, string>): void {
      const { keys, answer } = this.pending.shift()!
      answer.resolve(keys.map((key) => snapshot.get(key) ?? null))
    }
    async sync(): Promise<boolean> {
      return true
    }
    async close(): Promise<void> {}
  }

  function driverWithTracker(): { driver: NearCacheDriver; tracker: () => ControlledTracker } {
    let tracker: ControlledTracker | undefined
    const store = new KeyvStoreDriver({ store: new Map() } as never)
    const driver = new NearCacheDriver(
      store,
      'r:',
      {},
      (listener) => {
        tracker = new ControlledTracker(listener)
        return tracker
      },
      () => {},
    )
    return { driver, tracker: () => tracker! }
  }

  const keys = { entry: 'e', body: 'b' }
  const meta = (token: string) =>
    JSON.stringify({ v: 1, t: [token], e: '"x"', m: 0, n: 2, d: [], x: 0 })

  it.each([
    [
      'an invalidation message',
      (tracker: ControlledTracker) => tracker.listener.invalidated('r:t'),
    ],
    ['tracking lost', (tracker: ControlledTracker) => tracker.listener.lost('test')],
    ['FLUSHALL', (tracker: ControlledTracker) => tracker.listener.invalidated(null)],
  ])(
    'does not keep what it read when %s arrived while the read was in flight',
    async (_, event) => {
      const { driver, tracker } = driverWithTracker()
      const before = new Map([
        ['r:e', meta('old')],
        ['r:b', '"x"\n{}'],
        ['r:t', 'old'],
      ])
      const read = driver.read(keys, ['t'], true)
      event(tracker())
      tracker().answerOldest(before)
      expect((await read).tokens).toEqual(['old'])
      // Nothing was kept: the next read asks Redis again.
      expect(driver.readNow(keys, ['t'])).toBeUndefined()
    },
  )

  it('keeps what it read when nothing touched its keys, and answers from memory', async () => {
    const { driver, tracker } = driverWithTracker()
    const read = driver.read(keys, ['t'], true)
    tracker().answerOldest(
      new Map([
        ['r:e', meta('old')],
        ['r:b', '"x"\n{}'],
        ['r:t', 'old'],
      ]),
    )
    await read
    expect(driver.readNow(keys, ['t'])).toMatchObject({ tokens: ['old'], tier: 'near' })
    tracker().listener.invalidated('r:t')
    expect(driver.readNow(keys, ['t'])).toBeUndefined()
  })

  it('stops answering from memory while the heartbeat lease has run out, and resumes after', async () => {
    const { driver, tracker } = driverWithTracker()
    const read = driver.read(keys, ['t'], true)
    tracker().answerOldest(
      new Map([
        ['r:e', meta('old')],
        ['r:b', '"x"\n{}'],
        ['r:t', 'old'],
      ]),
    )
    await read
    tracker().servingUntil = Date.now() - 1
    expect(driver.readNow(keys, ['t'])).toBeUndefined()
    // A heartbeat answered on the same connection: what is held is current again.
    tracker().servingUntil = Number.POSITIVE_INFINITY
    expect(driver.readNow(keys, ['t'])).toMatchObject({ tokens: ['old'], tier: 'near' })
  })

  it('does not keep a read that a local write overtook', async () => {
    const { driver, tracker } = driverWithTracker()
    const read = driver.read(keys, ['t'], true)
    await driver.writeTokens([['t', 'new']], undefined)
    tracker().answerOldest(
      new Map([
        ['r:e', meta('old')],
        ['r:b', '"x"\n{}'],
        ['r:t', 'old'],
      ]),
    )
    await read
    expect(driver.readNow(keys, ['t'])).toBeUndefined()
  })
})
