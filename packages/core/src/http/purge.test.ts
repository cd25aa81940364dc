// Purging shared caches through createGarner({ purgers }): what invalidate() sends, batching,
// retries with backoff, reporting, and the bounded wait.
import { describe, expect, it } from 'vitest'
import type { GarnerEvents } from '../events.js'
import { createGarner } from '../garner.js'
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
    await Promise.all(Array.from({ length: 20 }, (_, id) => garner.invalidate('User', id)))
    // The first tick's invalidations share a request; the rest join the next one.
    expect(purger.calls.length).toBeLessThanOrEqual(2)
    expect(new Set(purger.calls.flat()).size).toBe(21)
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
    await garner.invalidate('User', 7)
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
