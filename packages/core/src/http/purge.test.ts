// Purging shared caches through createGarner({ purgers }): what invalidate() sends, batching,
// retries with backoff, reporting, and the bounded wait.
import { describe, expect, it } from 'vitest'
import { Emitter, type GarnerEvents } from '../events.js'
import { createGarner } from '../garner.js'
import { PurgeQueue } from './purge-queue.js'
import type { Purger } from './purger.js'

/** A purger that records each call; `fail` decides, per call, whether (and how) it throws. */
function recordingPurger(
  fail: (call: number) => Error | undefined = () => undefined,
  delay = 0,
): Purger & { calls: string[][]; times: number[] } {
  const calls: string[][] = []
  const times: number[] = []
  return {
    name: 'recording',
    header: { name: 'xkey', separator: ' ', maxLength: 8_000 },
    calls,
    times,
    async purge(keys) {
      calls.push([...keys])
      times.push(Date.now())
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
      const error = fail(calls.length)
      if (error !== undefined) throw error
    },
  }
}

function errors(garner: ReturnType<typeof createGarner>): GarnerEvents['error'][] {
  const seen: GarnerEvents['error'][] = []
  garner.on('error', (event) => seen.push(event))
  return seen
}

function purges(garner: ReturnType<typeof createGarner>): GarnerEvents['purge'][] {
  const seen: GarnerEvents['purge'][] = []
  garner.on('purge', (event) => seen.push(event))
  return seen
}

/** The `purge` event fields of attempt `n` of the one-invalidation batch ['User:7', 'User']. */
function attempt(n: number, outcome: GarnerEvents['purge']['outcome']) {
  return { purger: 'recording', keys: 2, invalidations: 1, attempt: n, outcome }
}

function messageOf(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined
}

describe('purging on invalidation', () => {
  it('purges the instance and the model for invalidate(model, id), the model and its instances for invalidate(model)', async () => {
    const purger = recordingPurger()
    const garner = createGarner({ purgers: [purger] })
    await garner.invalidate('User', 42)
    expect(purger.calls).toEqual([['User:42', 'User']])
    await garner.invalidate('User')
    expect(purger.calls[1]).toEqual(['User', 'User:*'])
  })

  it('resolves invalidate() only once the purge is confirmed', async () => {
    let confirmed = false
    const purger: Purger = {
      name: 'slow',
      header: { name: 'xkey', separator: ' ', maxLength: 8_000 },
      purge: () =>
        new Promise((resolve) =>
          setTimeout(() => {
            confirmed = true
            resolve()
          }, 50),
        ),
    }
    const garner = createGarner({ purgers: [purger] })
    await garner.invalidate('User', 1)
    expect(confirmed).toBe(true)
  })

  it('sends invalidateMany as one batch, and every purger gets it', async () => {
    const first = recordingPurger()
    const second = recordingPurger()
    const garner = createGarner({ purgers: [first, second] })
    await garner.invalidateMany([['User', 1], ['User', 2], 'Post'])
    for (const purger of [first, second]) {
      expect(purger.calls).toHaveLength(1)
      expect(new Set(purger.calls[0])).toEqual(
        new Set(['User:1', 'User', 'User:2', 'Post', 'Post:*']),
      )
    }
  })

  it('coalesces invalidations that arrive while a purge is in flight into the next batch', async () => {
    const purger = recordingPurger(() => undefined, 30)
    const garner = createGarner({ purgers: [purger] })
    const attempts = purges(garner)
    await Promise.all(Array.from({ length: 20 }, (_, id) => garner.invalidate('User', id)))
    // The first tick's invalidations share a request; the rest join the next one.
    expect(purger.calls.length).toBeLessThanOrEqual(2)
    expect(new Set(purger.calls.flat()).size).toBe(21)
    // The `purge` event says how many keys and invalidations each batch carried.
    expect(attempts.map((event) => event.outcome)).toEqual(purger.calls.map(() => 'ok'))
    expect(attempts.map((event) => event.keys)).toEqual(purger.calls.map((keys) => keys.length))
    expect(attempts.reduce((sum, event) => sum + event.invalidations, 0)).toBe(20)
  })

  it('retries a failed purge with backoff, honours retryAfter, and reports each failure', async () => {
    const purger = recordingPurger((call) =>
      call === 1
        ? Object.assign(new Error('429 Too Many Requests'), { retryAfter: 300 })
        : call === 2
          ? new Error('connection refused')
          : undefined,
    )
    const garner = createGarner({ purgers: [purger], purgeTimeout: 5_000 })
    const seen = errors(garner)
    const attempts = purges(garner)
    await garner.invalidate('User', 7)
    expect(
      attempts.map(({ duration, error, ...rest }) => ({ ...rest, error: messageOf(error) })),
    ).toEqual([
      { ...attempt(1, 'retried'), error: '429 Too Many Requests' },
      { ...attempt(2, 'retried'), error: 'connection refused' },
      { ...attempt(3, 'ok'), error: undefined },
    ])
    for (const { duration } of attempts) expect(duration).toBeGreaterThanOrEqual(0)
    expect(purger.calls).toEqual([
      ['User:7', 'User'],
      ['User:7', 'User'],
      ['User:7', 'User'],
    ])
    expect(purger.times[1]! - purger.times[0]!).toBeGreaterThanOrEqual(295)
    expect(purger.times[2]! - purger.times[1]!).toBeGreaterThanOrEqual(40)
    expect(seen.map((event) => [event.operation, event.error.code])).toEqual([
      ['purge', 'GARNER_PURGE_FAILED'],
      ['purge', 'GARNER_PURGE_FAILED'],
    ])
    expect(seen[0]!.error.message).toContain('recording')
    expect(seen[0]!.error.message).toContain('retrying')
    expect(seen[0]!.key).toBe('User:7')
  })

  it('never fails the write: a purger that always fails makes invalidate() resolve after purgeTimeout, reported', async () => {
    const purger = recordingPurger(() => new Error('down'))
    const garner = createGarner({ purgers: [purger], purgeTimeout: 150 })
    const seen = errors(garner)
    const started = Date.now()
    await expect(garner.invalidate('User', 1)).resolves.toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(seen.some((event) => event.error.code === 'GARNER_PURGE_TIMEOUT')).toBe(true)
    expect(seen.some((event) => event.error.code === 'GARNER_PURGE_FAILED')).toBe(true)
    // The cache itself was invalidated all the same.
    let loads = 0
    const load = () => ++loads
    await garner.fetch('k', load, { bind: ['User', 1] })
    await garner.invalidate('User', 1)
    await garner.fetch('k', load, { bind: ['User', 1] })
    expect(loads).toBe(2)
  })

  it('refuses malformed purgers with a TypeError', () => {
    expect(() => createGarner({ purgers: [{ name: 'x' } as never] })).toThrow(TypeError)
    expect(() =>
      createGarner({
        purgers: [
          {
            name: 'x',
            header: { name: 'bad header', separator: ' ', maxLength: 10 },
            purge: async () => {},
          },
        ],
      }),
    ).toThrow(/purgers\[0\]/)
  })
})

describe('the purge queue', () => {
  it('reports a batch given up after its last attempt as failed, on the purge and error events', async () => {
    const emitter = new Emitter()
    const attempts: GarnerEvents['purge'][] = []
    const failures: GarnerEvents['error'][] = []
    emitter.on('purge', (event) => attempts.push(event))
    emitter.on('error', (event) => failures.push(event))
    const purger = recordingPurger(() => new Error('down'))
    const queue = new PurgeQueue({ purgers: [purger], timeout: 5_000, attempts: 2, emitter })
    await queue.purge(['User:7', 'User'])
    expect(
      attempts.map(({ duration, error, ...rest }) => ({ ...rest, error: messageOf(error) })),
    ).toEqual([
      { ...attempt(1, 'retried'), error: 'down' },
      { ...attempt(2, 'failed'), error: 'down' },
    ])
    expect(failures.map((event) => event.error.message.includes('giving up'))).toEqual([
      false,
      true,
    ])
  })
})
