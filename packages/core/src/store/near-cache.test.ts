// The near cache's rule for reads in flight, with a tracker under the test's control: a read that
// an invalidation, a loss of tracking, FLUSHALL or a local write overtook is never kept, and
// nothing is answered from memory once the heartbeat lease has run out. (On a real Redis, with
// real processes: packages/fixtures and apps/demo/faults.)
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { GarnerError } from '../errors.js'
import { KeyvStoreDriver } from './keyv-store.js'
import { NearCacheDriver, type NearCacheOptions, nearCacheDriver } from './near-cache.js'
import type { Tracker, TrackerListener } from './tracking.js'

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle
    reject = fail
  })
  return { promise, resolve, reject }
}

/** A tracker whose reads answer when the test says, from a map standing in for Redis. */
class ControlledTracker implements Tracker {
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
  answerOldest(snapshot: Map<string, unknown>): void {
    const { keys, answer } = this.pending.shift()!
    answer.resolve(keys.map((key) => snapshot.get(key) ?? null))
  }
  closed = false
  async sync(): Promise<boolean> {
    return this.connected
  }
  async close(): Promise<void> {
    this.closed = true
  }
}

interface Harness {
  readonly driver: NearCacheDriver
  tracker(): ControlledTracker
  /** The Map under the Keyv store (Garner's keys, no prefix). */
  readonly redis: Map<string, unknown>
  /** What the near cache reported through its `onLost` callback. */
  readonly lost: GarnerError[]
  /** The heartbeat the tracker was created with. */
  heartbeat(): number
}

function driverWithTracker(
  options: NearCacheOptions = {},
  store: KeyvStoreDriver = new KeyvStoreDriver({ store: new Map() } as never),
): Harness {
  let tracker: ControlledTracker | undefined
  let heartbeat = 0
  const lost: GarnerError[] = []
  const driver = new NearCacheDriver(
    store,
    'r:',
    options,
    (listener, every) => {
      heartbeat = every
      tracker = new ControlledTracker(listener)
      return tracker
    },
    (error) => lost.push(error),
  )
  const redis = (store as unknown as { adapter: Map<string, unknown> }).adapter
  return { driver, tracker: () => tracker!, redis, lost, heartbeat: () => heartbeat }
}

const keys = { entry: 'e', body: 'b' }
const meta = (token: string, expires = 0) =>
  JSON.stringify({ v: 1, t: [token], e: '"x"', m: 0, n: 2, d: [], x: expires })

describe('near cache: a read that races an invalidation', () => {
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

/** Reads `keys` with token `t` through the tracker, answered from `redis`, and returns the read. */
async function trackedRead(
  harness: Harness,
  redis: Map<string, unknown>,
  tokenKeys: readonly string[] = ['t'],
): Promise<Awaited<ReturnType<NearCacheDriver['read']>>> {
  const read = harness.driver.read(keys, tokenKeys, true)
  harness.tracker().answerOldest(redis)
  return read
}

const stored = (entry: unknown = meta('old'), body: unknown = '"x"\n{"a":1}') =>
  new Map<string, unknown>([
    ['r:e', entry],
    ['r:b', body],
    ['r:t', 'old'],
  ])

describe('near cache: what a tracked read keeps and returns', () => {
  it('returns the decoded, frozen value and keeps exactly the entry and its token', async () => {
    const harness = driverWithTracker()
    const read = await trackedRead(harness, stored())
    expect(read).toMatchObject({ hasValue: true, value: { a: 1 }, tokens: ['old'] })
    expect(Object.isFrozen(read.value)).toBe(true)
    expect(harness.driver.size).toBe(2)
    expect(harness.driver.bytes).toBeGreaterThan(0)
    expect(harness.driver.memoryStats()).toMatchObject({ tier: 'near', entries: 2, evictions: 0 })
    // The hit comes from memory, with its body unless asked otherwise, and no round trip.
    const again = await harness.driver.read(keys, ['t'], true)
    expect(again).toMatchObject({ tier: 'near', body: '{"a":1}', value: { a: 1 } })
    expect(harness.driver.readNow(keys, ['t'])?.body).toBe('{"a":1}')
    expect(harness.driver.readNow(keys, ['t'], false)?.body).toBeUndefined()
    expect(harness.tracker().pending).toHaveLength(0)
  })

  it('keeps a token whose entry is absent, but answers nothing from memory without the entry', async () => {
    const harness = driverWithTracker()
    const read = await trackedRead(harness, new Map([['r:t', 'old']]))
    expect(read).toMatchObject({ meta: undefined, hasValue: false, tokens: ['old'] })
    expect(harness.driver.size).toBe(1)
    expect(harness.driver.readNow(keys, ['t'])).toBeUndefined()
  })

  it('keeps no absent token', async () => {
    const harness = driverWithTracker()
    const read = await trackedRead(harness, stored(), ['t', 'u'])
    expect(read.tokens).toEqual(['old', undefined])
    expect(harness.driver.size).toBe(2)
  })

  it.each([
    ['its body is missing', stored(meta('old'), null)],
    ['its body is not JSON', stored(meta('old'), '"x"\n{not json')],
    ['a token is not text', new Map<string, unknown>([...stored(), ['r:t', 7]])],
  ])('does not keep an entry when %s, and returns it without a value', async (_, redis) => {
    const harness = driverWithTracker()
    const read = await trackedRead(harness, redis)
    expect(read.hasValue).toBe(false)
    expect(read.value).toBeUndefined()
    expect(harness.driver.readNow(keys, [])).toBeUndefined()
  })

  it('keeps the tokens but not the entry when the entry was invalidated during the read', async () => {
    const harness = driverWithTracker()
    const read = harness.driver.read(keys, ['t'], true)
    harness.tracker().listener.invalidated('r:e')
    harness.tracker().answerOldest(stored())
    expect((await read).hasValue).toBe(true)
    expect(harness.driver.size).toBe(1)
    expect(harness.driver.readNow(keys, ['t'])).toBeUndefined()
  })

  it('lets the newer of two overlapping reads of the same keys keep what it read', async () => {
    const harness = driverWithTracker()
    const first = harness.driver.read(keys, ['t'], true)
    const second = harness.driver.read(keys, ['t'], true)
    harness.tracker().answerOldest(stored())
    await first
    harness.tracker().answerOldest(stored())
    await second
    expect(harness.driver.readNow(keys, ['t'])).toMatchObject({ tier: 'near', tokens: ['old'] })
  })

  it('keeps an entry with an expiry only until it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(10_000)
      const harness = driverWithTracker()
      await trackedRead(harness, stored(meta('old', 11_000)))
      vi.setSystemTime(10_999)
      expect(harness.driver.readNow(keys, ['t'])).toMatchObject({ tier: 'near' })
      vi.setSystemTime(11_000)
      expect(harness.driver.readNow(keys, ['t'])).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('bounds what it keeps by maxEntries and maxBytes', async () => {
    const few = driverWithTracker({ maxEntries: 1 })
    await trackedRead(few, stored())
    expect(few.driver.size).toBe(1)
    const small = driverWithTracker({ maxBytes: 1 })
    await trackedRead(small, stored())
    expect(small.driver.size).toBe(0)
  })
})

describe('near cache: when it reads from the store instead', () => {
  it('reads from the store, keeping nothing, while tracking is down or the lease has run out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(10_000)
      const harness = driverWithTracker()
      harness.redis.set('e', meta('old'))
      harness.redis.set('b', '"x"\n{"a":1}')
      harness.tracker().connected = false
      expect(await harness.driver.read(keys, [], true)).toMatchObject({ body: '{"a":1}' })
      harness.tracker().connected = true
      harness.tracker().servingUntil = 10_000
      expect(harness.driver.connected).toBe(false)
      expect(await harness.driver.read(keys, [], true)).toMatchObject({ body: '{"a":1}' })
      expect(harness.tracker().pending).toHaveLength(0)
      expect(harness.driver.size).toBe(0)
      harness.tracker().servingUntil = 10_001
      expect(harness.driver.connected).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers nothing from memory from the very millisecond the lease ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(10_000)
      const harness = driverWithTracker()
      await trackedRead(harness, stored())
      harness.tracker().servingUntil = 10_000
      expect(harness.driver.readNow(keys, ['t'])).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('reads from the store when the tracking connection fails under a read', async () => {
    const harness = driverWithTracker()
    harness.redis.set('e', meta('old'))
    harness.redis.set('b', '"x"\n{"a":1}')
    const read = harness.driver.read(keys, [], true)
    harness.tracker().pending.shift()!.answer.reject(new Error('connection reset'))
    expect(await read).toMatchObject({ body: '{"a":1}' })
    expect(harness.driver.size).toBe(0)
  })

  it('answers readBody from memory for the ETag it holds, and from the store otherwise', async () => {
    const harness = driverWithTracker()
    harness.redis.set('b', '"x"\n{"store":1}')
    expect(await harness.driver.readBody(keys, '"x"')).toBe('{"store":1}')
    await trackedRead(harness, stored())
    expect(await harness.driver.readBody(keys, '"x"')).toBe('{"a":1}')
    harness.redis.set('b', '"y"\n{"store":2}')
    expect(await harness.driver.readBody(keys, '"y"')).toBe('{"store":2}')
  })
})

describe('near cache: writes, invalidations and losses', () => {
  it('writes through to the store and forgets its own copy', async () => {
    const harness = driverWithTracker()
    await trackedRead(harness, stored())
    await harness.driver.writeTokens([['t', 'new']], undefined)
    expect(harness.redis.get('t')).toBe('new')
    await trackedRead(harness, stored())
    await harness.driver.write(
      keys,
      {
        tokens: ['new'],
        etag: '"z"',
        lastModified: 0,
        size: 1,
        dates: [],
        freshUntil: 0,
        body: '2',
        value: 2,
      },
      undefined,
    )
    expect(harness.driver.readNow(keys, ['t'])).toBeUndefined()
    expect(await harness.driver.readBody(keys, '"z"')).toBe('2')
  })

  it('drops only the key named by an invalidation with its prefix', async () => {
    const harness = driverWithTracker()
    await trackedRead(harness, stored())
    harness.tracker().listener.invalidated('q:e')
    harness.tracker().listener.invalidated('r:other')
    expect(harness.driver.size).toBe(2)
    expect(harness.driver.resets).toBe(0)
    harness.tracker().listener.invalidated('r:e')
    expect(harness.driver.size).toBe(1)
  })

  it('empties itself and reports a loss of tracking, counting the resets', async () => {
    const harness = driverWithTracker()
    await trackedRead(harness, stored())
    harness.tracker().listener.lost('socket closed')
    expect(harness.driver.size).toBe(0)
    expect(harness.driver.resets).toBe(1)
    expect(harness.lost).toHaveLength(1)
    expect(harness.lost[0]).toBeInstanceOf(GarnerError)
    expect(harness.lost[0]).toMatchObject({ code: 'GARNER_STORE_ERROR' })
    expect(harness.lost[0]!.message).toContain(
      'lost its tracking connection to Redis (socket closed)',
    )
    expect(harness.lost[0]!.message).toContain('reads go to the store until tracking is back')
    harness.tracker().listener.invalidated(null)
    expect(harness.driver.resets).toBe(2)
  })

  it('reports a stalled heartbeat without emptying itself', async () => {
    const harness = driverWithTracker()
    await trackedRead(harness, stored())
    harness.tracker().listener.stalled('no answer for 1500 ms')
    expect(harness.driver.size).toBe(2)
    expect(harness.driver.resets).toBe(0)
    expect(harness.lost[0]).toMatchObject({ code: 'GARNER_STORE_ERROR' })
    expect(harness.lost[0]!.message).toContain('cannot hear Redis (no answer for 1500 ms)')
    expect(harness.lost[0]!.message).toContain('reads go to the store until Redis answers again')
  })

  it('syncs through the tracker, and closes it and empties itself on close', async () => {
    const harness = driverWithTracker()
    await trackedRead(harness, stored())
    expect(await harness.driver.sync()).toBe(true)
    harness.tracker().connected = false
    expect(await harness.driver.sync()).toBe(false)
    await harness.driver.close()
    expect(harness.tracker().closed).toBe(true)
    expect(harness.driver.size).toBe(0)
  })

  it('is remote, and passes through what the store underneath says of itself', () => {
    const plain = driverWithTracker()
    expect(plain.driver.remote).toBe(true)
    expect(plain.driver.guardsItself).toBe(false)
    expect(plain.driver.confirmsReplication).toBe(false)
    expect(plain.driver.claim).toBeUndefined()
    const store = new KeyvStoreDriver({
      store: Object.assign(new Map(), { client: { sendCommand: async () => 1 } }),
    } as never)
    Object.defineProperty(store, 'guardsItself', { value: true })
    const guarded = driverWithTracker({}, store)
    expect(guarded.driver.guardsItself).toBe(true)
    expect(guarded.driver.confirmsReplication).toBe(true)
  })
})

describe('near cache: options', () => {
  it('pings every 500 ms unless told otherwise', () => {
    expect(driverWithTracker().heartbeat()).toBe(500)
    expect(driverWithTracker({ heartbeat: 0.5 }).heartbeat()).toBe(0.5)
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100'])(
    'refuses a heartbeat of %s, naming the option',
    (heartbeat) => {
      expect(() => driverWithTracker({ heartbeat: heartbeat as number })).toThrow(
        new TypeError(`Garner: nearCache heartbeat must be a positive number; got ${heartbeat}.`),
      )
    },
  )
})

/** A stand-in for `@keyv/redis`'s adapter: its namespace, key naming and node-redis client. */
function keyvRedis(
  createKeyPrefix = (key: string, namespace?: string) =>
    namespace === undefined ? key : `${namespace}::${key}`,
) {
  const redis = new Map<string, unknown>()
  const tracking = Object.assign(new EventEmitter(), {
    overrides: undefined as Record<string, unknown> | undefined,
    reads: [] as string[][],
    async connect() {},
    destroy() {},
    // Heartbeats stay unanswered: the lease is the one the ready handshake started.
    ping: () => new Promise<never>(() => {}),
    async mGet(list: string[]) {
      tracking.reads.push(list)
      return list.map((key) => redis.get(key) ?? null)
    },
  })
  const client = {
    duplicate(overrides: Record<string, unknown>) {
      tracking.overrides = overrides
      return tracking
    },
  }
  const adapter = { namespace: 'ns', client, createKeyPrefix, get: () => undefined, set() {} }
  return { adapter, tracking, redis }
}

describe('nearCacheDriver over @keyv/redis', () => {
  it("tracks through a duplicate of the adapter's client, under Keyv's and the adapter's prefixes", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { adapter, tracking, redis } = keyvRedis()
    const lost: GarnerError[] = []
    const driver = nearCacheDriver(
      { store: adapter, namespace: 'app' },
      { heartbeat: 10_000 },
      (error) => lost.push(error),
      1_000,
    )
    try {
      vi.setSystemTime(1_000_000)
      expect(tracking.overrides).toMatchObject({ RESP: 3, emitInvalidate: true })
      expect(driver.connected).toBe(false)
      tracking.emit('ready')
      // The lease is three heartbeats from the handshake.
      vi.setSystemTime(1_029_999)
      expect(driver.connected).toBe(true)
      vi.setSystemTime(1_030_000)
      expect(driver.connected).toBe(false)
      vi.setSystemTime(1_010_000)
      redis.set('ns::app:e', meta('old'))
      redis.set('ns::app:b', '"x"\n{"a":1}')
      redis.set('ns::app:t', 'old')
      expect(await driver.read(keys, ['t'], true)).toMatchObject({ value: { a: 1 } })
      expect(tracking.reads).toEqual([['ns::app:e', 'ns::app:b', 'ns::app:t']])
      expect(driver.readNow(keys, ['t'])).toMatchObject({ tier: 'near' })
      tracking.emit('invalidate', Buffer.from('ns::app:t'))
      expect(driver.readNow(keys, ['t'])).toBeUndefined()
      expect(driver.size).toBe(1)
      expect(lost).toEqual([])
    } finally {
      await driver.close()
      vi.useRealTimers()
    }
  })

  it.each([
    ['a Keyv over a Map', new Map()],
    ['a Keyv without a store', undefined],
    ['an adapter without a client', { createKeyPrefix: (key: string) => key }],
    ['an adapter without key naming', { client: keyvRedis().adapter.client }],
  ])('refuses %s, saying what it needs', (_, store) => {
    expect(() => nearCacheDriver({ store }, {}, () => {}, 1_000)).toThrow(
      new TypeError(
        'Garner: nearCache needs a Keyv instance backed by @keyv/redis ' +
          '(new Keyv(new KeyvRedis(url))): its coherence comes from Redis client tracking.',
      ),
    )
  })

  it('refuses an adapter whose key naming it cannot invert', () => {
    const { adapter } = keyvRedis((key) => `${key}:suffix`)
    expect(() =>
      nearCacheDriver({ store: adapter, namespace: 'app' }, {}, () => {}, 1_000),
    ).toThrow(
      new TypeError(
        'Garner: nearCache cannot tell how this Keyv adapter names keys in Redis; use @keyv/redis.',
      ),
    )
  })
})
