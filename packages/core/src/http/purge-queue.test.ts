// The purge queue on its own: what its events and errors say, one batch in flight per purger,
// the backoff between attempts, and the bound on one purger call that never answers.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emitter, type GarnerEvents } from '../events.js'
import { PurgeQueue } from './purge-queue.js'
import type { Purger } from './purger.js'

const HEADER = { name: 'xkey', separator: ' ', maxLength: 8_000 } as const

interface Seen {
  emitter: Emitter
  attempts: GarnerEvents['purge'][]
  failures: GarnerEvents['error'][]
}

function listening(): Seen {
  const emitter = new Emitter()
  const attempts: GarnerEvents['purge'][] = []
  const failures: GarnerEvents['error'][] = []
  emitter.on('purge', (event) => attempts.push(event))
  emitter.on('error', (event) => failures.push(event))
  return { emitter, attempts, failures }
}

/** A purger whose `purge` runs `body` for each call (1-based) and records the keys. */
function purger(
  body: (call: number) => Promise<void> | void = () => undefined,
): Purger & { calls: string[][] } {
  const calls: string[][] = []
  return {
    name: 'edge',
    header: HEADER,
    calls,
    async purge(keys) {
      calls.push([...keys])
      await body(calls.length)
    },
  }
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('the purge queue', () => {
  it('resolves at once for no keys: no call, no event, no timeout reported', async () => {
    const seen = listening()
    const edge = purger()
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 20,
      attempts: 2,
      emitter: seen.emitter,
    })
    await queue.purge([])
    // Had an empty batch been queued, it would never be confirmed: the timeout would fire.
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(edge.calls).toEqual([])
    expect(seen.attempts).toEqual([])
    expect(seen.failures).toEqual([])
  })

  it('reports a confirmed batch with its duration and without an error field', async () => {
    const seen = listening()
    const edge = purger(() => new Promise((resolve) => setTimeout(resolve, 10)))
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 5_000,
      attempts: 2,
      emitter: seen.emitter,
    })
    const before = performance.now()
    await queue.purge(['User:1', 'User'])
    const elapsed = performance.now() - before
    expect(seen.attempts).toHaveLength(1)
    const [event] = seen.attempts
    expect(event).toMatchObject({
      purger: 'edge',
      keys: 2,
      invalidations: 1,
      attempt: 1,
      outcome: 'ok',
    })
    expect('error' in event!).toBe(false)
    expect(event!.duration).toBeGreaterThanOrEqual(0)
    expect(event!.duration).toBeLessThanOrEqual(elapsed)
  })

  it('sends one batch at a time per purger; keys that arrive meanwhile wait for the next', async () => {
    let inFlight = 0
    let most = 0
    const edge = purger(async () => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 20))
      inFlight--
    })
    const seen = listening()
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 5_000,
      attempts: 2,
      emitter: seen.emitter,
    })
    const first = queue.purge(['User:1'])
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = queue.purge(['User:2'])
    const third = queue.purge(['User:3'])
    await Promise.all([first, second, third])
    expect(most).toBe(1)
    expect(edge.calls).toEqual([['User:1'], ['User:2', 'User:3']])
    expect(seen.attempts.map((event) => event.invalidations)).toEqual([1, 2])
  })

  it('says in a failure which keys on which purger failed, why, and keeps the cause', async () => {
    const seen = listening()
    const cause = new Error('503 Service Unavailable')
    const edge = purger(() => {
      throw cause
    })
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 5_000,
      attempts: 1,
      emitter: seen.emitter,
    })
    await queue.purge(['User:7', 'User'])
    expect(seen.failures).toHaveLength(1)
    const [{ error, operation, key }] = seen.failures as [GarnerEvents['error']]
    expect([error.code, operation, key]).toEqual(['GARNER_PURGE_FAILED', 'purge', 'User:7'])
    expect(error.message).toBe(
      'Garner: purging User:7 User on edge failed (attempt 1 of 1, giving up): 503 Service Unavailable',
    )
    expect(error.cause).toBe(cause)
  })

  it('names at most five keys in a message, then how many there were', async () => {
    const messages: string[] = []
    for (const count of [5, 6, 7]) {
      const seen = listening()
      const edge = purger(() => Promise.reject('refused'))
      const queue = new PurgeQueue({
        purgers: [edge],
        timeout: 5_000,
        attempts: 1,
        emitter: seen.emitter,
      })
      await queue.purge(Array.from({ length: count }, (_, id) => `User:${id + 1}`))
      messages.push(seen.failures[0]!.error.message)
    }
    expect(messages).toEqual([
      'Garner: purging User:1 User:2 User:3 User:4 User:5 on edge failed (attempt 1 of 1, giving up): refused',
      'Garner: purging User:1 User:2 User:3 User:4 User:5 … (6 keys) on edge failed (attempt 1 of 1, giving up): refused',
      'Garner: purging User:1 User:2 User:3 User:4 User:5 … (7 keys) on edge failed (attempt 1 of 1, giving up): refused',
    ])
  })

  it('counts a purger that rejects without a reason as failed, not as confirmed', async () => {
    const seen = listening()
    const edge = purger(() => Promise.reject(undefined))
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 5_000,
      attempts: 1,
      emitter: seen.emitter,
    })
    await queue.purge(['User'])
    expect(seen.attempts.map((event) => event.outcome)).toEqual(['failed'])
    expect(seen.failures[0]!.error.message).toContain('the purger rejected without a reason')
  })

  it('reports the timeout with the keys, the wait and what to do, and the purge goes on', async () => {
    const seen = listening()
    let release = (): void => {}
    const edge = purger(() => new Promise<void>((resolve) => (release = resolve)))
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 30,
      attempts: 1,
      emitter: seen.emitter,
    })
    await queue.purge(['User:7', 'User'])
    expect(seen.failures.map((event) => [event.error.code, event.key])).toEqual([
      ['GARNER_PURGE_TIMEOUT', 'User:7'],
    ])
    expect(seen.failures[0]!.error.message).toBe(
      'Garner: the shared caches did not confirm the purge of User:7 User within 30 ms; ' +
        'invalidate() returned and the purge goes on in the background. Raise purgeTimeout, ' +
        'or check the purgers.',
    )
    release()
    await vi.waitFor(() => expect(seen.attempts.map((event) => event.outcome)).toEqual(['ok']))
  })
})

describe('the purge queue, on a fake clock', () => {
  it('waits half a step plus up to half a step of jitter before each retry, doubling the step', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const seen = listening()
    const edge = purger((call) => {
      if (call < 3) throw new Error('down')
    })
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 60_000,
      attempts: 3,
      emitter: seen.emitter,
    })
    const done = queue.purge(['User'])
    await vi.advanceTimersByTimeAsync(0)
    expect(edge.calls).toHaveLength(1)
    // Step 100 ms: 50 fixed + 0.5 × 50 jitter = 75 ms.
    await vi.advanceTimersByTimeAsync(74)
    expect(edge.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(edge.calls).toHaveLength(2)
    // Step 200 ms: 100 + 0.5 × 100 = 150 ms.
    await vi.advanceTimersByTimeAsync(149)
    expect(edge.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(edge.calls).toHaveLength(3)
    await done
    expect(seen.attempts.map((event) => event.outcome)).toEqual(['retried', 'retried', 'ok'])
  })

  it('honours a finite retryAfter and ignores an infinite one', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    for (const [retryAfter, wait] of [
      [400, 400],
      [Number.POSITIVE_INFINITY, 75],
      [-400, 75],
      ['400', 75],
    ] as const) {
      const edge = purger((call) => {
        if (call === 1) throw Object.assign(new Error('429'), { retryAfter })
      })
      const queue = new PurgeQueue({
        purgers: [edge],
        timeout: 60_000,
        attempts: 2,
        emitter: new Emitter(),
      })
      const done = queue.purge(['User'])
      await vi.advanceTimersByTimeAsync(wait - 1)
      expect([retryAfter, edge.calls.length]).toEqual([retryAfter, 1])
      await vi.advanceTimersByTimeAsync(1)
      expect([retryAfter, edge.calls.length]).toEqual([retryAfter, 2])
      await done
    }
  })

  it('gives up on a call that never answers after 15 s, and leaves no timer behind', async () => {
    vi.useFakeTimers()
    const seen = listening()
    const edge = purger((call) => (call === 1 ? new Promise<void>(() => {}) : undefined))
    const queue = new PurgeQueue({
      purgers: [edge],
      timeout: 60_000,
      attempts: 2,
      emitter: seen.emitter,
    })
    const done = queue.purge(['User'])
    await vi.advanceTimersByTimeAsync(14_999)
    expect(seen.attempts).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(seen.attempts.map((event) => event.outcome)).toEqual(['retried'])
    expect(seen.failures[0]!.error.message).toContain('no answer within 15000 ms')
    await vi.advanceTimersByTimeAsync(100)
    await done
    expect(seen.attempts.map((event) => event.outcome)).toEqual(['retried', 'ok'])
    expect(vi.getTimerCount()).toBe(0)
  })
})
