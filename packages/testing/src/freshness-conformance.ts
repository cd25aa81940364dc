// The freshness policies (ttl, stale-while-revalidate, stale-if-error, loader timeouts) as part
// of the core conformance suite. Each test moves a clock of its own that the Garner instance
// decides freshness by, so the window edges are exact and nothing sleeps; the store keeps the
// entries on its own clock for the whole (real-time) length of the windows, which the tests
// never reach.
import type { Garner, GarnerEvents } from '@garner/core'
import { describe, expect, it } from 'vitest'
import { deferred, eventually } from './deferred.js'
import type { TestGarnerOptions } from './store-target.js'

const TTL = 60_000
const SWR = 60_000
const SIE = 300_000

/** A clock a test moves by hand, starting at the real time. */
export interface TestClock {
  (): number
  /** Moves the clock `ms` milliseconds forward. */
  advance(ms: number): void
}

/** A new {@link TestClock}. */
export function testClock(start: number = Date.now()): TestClock {
  let now = start
  return Object.assign(() => now, {
    advance(ms: number) {
      now += ms
    },
  })
}

type Recorded = {
  [E in keyof GarnerEvents]: { event: E; payload: GarnerEvents[E] }
}[keyof GarnerEvents]

function recordEvents(cache: Garner): Recorded[] {
  const seen: Recorded[] = []
  for (const event of ['hit', 'miss', 'refresh', 'error'] as const) {
    cache.on(event, (payload) => seen.push({ event, payload } as Recorded))
  }
  return seen
}

/** A loader returning `v1`, `v2` … and counting its calls; it throws while `down` is set. */
function versions() {
  const state = { calls: 0, down: false as false | Error }
  const load = (): string => {
    state.calls += 1
    if (state.down) throw state.down
    return `v${state.calls}`
  }
  return Object.assign(load, { state })
}

/** Registers the freshness part of the core suite; `garner` opens a Garner on the store under test. */
export function describeFreshness(garner: (options?: TestGarnerOptions) => Garner): void {
  describe('freshness policies', () => {
    it('answers fresh until just before ttl, stale (refreshing once) from ttl until just before the window ends', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR })
      const events = recordEvents(cache)
      const load = versions()
      expect(await cache.entry('swr-edges', load)).toMatchObject({ value: 'v1', hit: false })
      clock.advance(TTL - 1)
      expect(await cache.entry('swr-edges', load)).toMatchObject({
        value: 'v1',
        hit: true,
        stale: false,
      })
      expect(await cache.fetch('swr-edges', load)).toBe('v1')
      expect(load.state.calls).toBe(1)
      clock.advance(1) // at ttl: stale, answered at once, one refresh starts
      expect(await cache.entry('swr-edges', load)).toMatchObject({
        value: 'v1',
        hit: true,
        stale: true,
      })
      expect(await eventually(() => events.some((seen) => seen.event === 'refresh'))).toBe(true)
      expect(events.filter((seen) => seen.event === 'refresh')).toEqual([
        { event: 'refresh', payload: expect.objectContaining({ ok: true }) },
      ])
      expect(events).toContainEqual({
        event: 'hit',
        payload: expect.objectContaining({ key: expect.any(String), stale: true }),
      })
      expect(await cache.entry('swr-edges', load)).toMatchObject({ value: 'v2', stale: false })
      expect(load.state.calls).toBe(2)

      // The refreshed entry is fresh for a new ttl; at its window's last millisecond it is still
      // answered stale, and at the window's end it is a miss that waits for the loader.
      clock.advance(TTL + SWR - 1)
      expect(await cache.fetch('swr-edges', load)).toBe('v2')
      const refreshes = () => events.filter((seen) => seen.event === 'refresh').length
      expect(await eventually(() => refreshes() === 2)).toBe(true)
      expect(load.state.calls).toBe(3)
      clock.advance(TTL + SWR)
      const edge = await cache.entry('swr-edges', load)
      expect(edge).toMatchObject({ value: 'v4', hit: false, stale: false })
    })

    it('is a miss at the very end of the stale-while-revalidate window', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR })
      const load = versions()
      await cache.fetch('swr-end', load)
      clock.advance(TTL + SWR)
      expect(await cache.fetch('swr-end', load)).toBe('v2')
      expect(await cache.entry('swr-end', load)).toMatchObject({ value: 'v2', hit: true })
      expect(load.state.calls).toBe(2)
    })

    it('runs one refresh for 1,000 concurrent stale reads', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR })
      const gate = deferred()
      let calls = 0
      const load = async (): Promise<string> => {
        calls += 1
        if (calls > 1) await gate.promise
        return `v${calls}`
      }
      await cache.fetch('stampede-stale', load)
      clock.advance(TTL)
      const answers = await Promise.all(
        Array.from({ length: 1_000 }, () => cache.fetch('stampede-stale', load)),
      )
      expect(new Set(answers)).toEqual(new Set(['v1']))
      // The refresh may first claim the key in the store (one round trip), then load.
      expect(await eventually(() => calls === 2)).toBe(true)
      gate.resolve()
      expect(
        await eventually(async () => (await cache.fetch('stampede-stale', load)) === 'v2'),
      ).toBe(true)
      expect(calls).toBe(2)
    })

    it('keeps answering stale while refreshes fail, until staleIfError ends, then fails', async () => {
      const clock = testClock()
      const cache = garner({
        clock,
        ttl: TTL,
        staleWhileRevalidate: SWR,
        staleIfError: SIE,
        loaderBackoff: { min: 1_000, max: 4_000 },
      })
      const events = recordEvents(cache)
      const load = versions()
      await cache.fetch('failing', load)
      const outage = new Error('database down')
      load.state.down = outage
      clock.advance(TTL)
      // Within stale-while-revalidate: stale at once, the background refresh fails.
      expect(await cache.fetch('failing', load)).toBe('v1')
      expect(
        await eventually(() => events.some((seen) => seen.event === 'refresh' && !seen.payload.ok)),
      ).toBe(true)
      expect(events).toContainEqual({
        event: 'error',
        payload: {
          error: expect.objectContaining({ code: 'GARNER_LOADER_FAILED', cause: outage }),
          operation: 'refresh',
          key: expect.any(String),
        },
      })
      // Past it, within stale-if-error: the loader is tried (after its backoff) and fails; stale.
      const step = 15_000
      for (let elapsed = step; elapsed < SIE; elapsed += step) {
        clock.advance(step)
        const answer = await cache.entry('failing', load)
        expect(answer).toMatchObject({ value: 'v1', hit: true, stale: true })
      }
      expect(events).toContainEqual({
        event: 'error',
        payload: {
          error: expect.objectContaining({ code: 'GARNER_LOADER_FAILED', cause: outage }),
          operation: 'load',
          key: expect.any(String),
        },
      })
      // The window's last millisecond still answers stale; its end fails with the loader's error.
      clock.advance(step - 1) // TTL + SIE - 1 since the entry was stored
      await expect(cache.fetch('failing', load)).resolves.toBe('v1')
      clock.advance(1)
      await expect(cache.fetch('failing', load)).rejects.toBe(outage)
      load.state.down = false
      expect(await cache.fetch('failing', load)).toMatch(/^v\d+$/)
      expect(await cache.entry('failing', load)).toMatchObject({ hit: true, stale: false })
    })

    it('backs off a failing loader exponentially, not once per request', async () => {
      const clock = testClock()
      const cache = garner({
        clock,
        ttl: TTL,
        staleIfError: SIE,
        loaderBackoff: { min: 1_000, max: 8_000 },
      })
      const load = versions()
      await cache.fetch('backoff', load)
      load.state.down = new Error('database down')
      clock.advance(TTL)
      // One request every 500 ms for a minute. Attempts: at 0 s (then wait 1 s), 1 s (2 s),
      // 3 s (4 s), 7 s (8 s, the cap), 15, 23, 31, 39, 47 and 55 s: ten, instead of 120.
      for (let step = 0; step < 120; step++) {
        expect(await cache.fetch('backoff', load)).toBe('v1')
        clock.advance(500)
      }
      expect(load.state.calls - 1).toBe(10)
      // Recovery: the next attempt after the backoff loads fresh data, and it is cached.
      load.state.down = false
      clock.advance(8_000)
      const recovered = await cache.entry('backoff', load)
      expect(recovered).toMatchObject({ hit: false, stale: false })
      expect(await cache.entry('backoff', load)).toMatchObject({
        value: recovered.value,
        hit: true,
      })
    })

    it('never answers an invalidated entry from a stale window by default', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR, staleIfError: SIE })
      const bind = ['Row', 1] as const
      const load = versions()
      await cache.fetch('invalidated', load, { bind })
      await cache.invalidate('Row', 1)
      // Within ttl and past it alike, the next fetch waits for the loader …
      expect(await cache.entry('invalidated', load, { bind })).toMatchObject({
        value: 'v2',
        hit: false,
      })
      clock.advance(TTL)
      await cache.invalidate('Row', 1)
      // … and a failing loader fails the fetch instead of answering the invalidated value.
      const outage = new Error('database down')
      load.state.down = outage
      await expect(cache.fetch('invalidated', load, { bind })).rejects.toBe(outage)
    })

    it('answers an invalidated entry stale while refreshing, and on loader failure, with staleAfterInvalidate', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR, staleIfError: SIE })
      const bind = ['Row', 2] as const
      const options = { bind, staleAfterInvalidate: true }
      const load = versions()
      await cache.fetch('opt-in', load, options)
      await cache.invalidate('Row', 2)
      expect(await cache.entry('opt-in', load, options)).toMatchObject({
        value: 'v1',
        hit: true,
        stale: true,
      })
      expect(
        await eventually(async () => (await cache.fetch('opt-in', load, options)) === 'v2'),
      ).toBe(true)
      // Past the revalidate window, a failed loader is answered with the invalidated value.
      clock.advance(TTL + SWR)
      await cache.invalidate('Row', 2)
      load.state.down = new Error('database down')
      expect(await cache.entry('opt-in', load, options)).toMatchObject({
        value: 'v2',
        stale: true,
      })
    })

    it('treats a loader slower than loaderTimeout as failed: stale when there is a stale value, an error otherwise; the load still lands', async () => {
      const clock = testClock()
      // The timeout runs from the miss to the stored entry, store round trips included: long
      // enough for those on a busy machine (a Redis Cluster's first writes), short for a test.
      const cache = garner({ clock, ttl: TTL, staleIfError: SIE, loaderTimeout: 300 })
      const events = recordEvents(cache)
      await cache.fetch('slow', () => 'v1')
      clock.advance(TTL)
      const gate = deferred()
      const slow = async (): Promise<string> => {
        await gate.promise
        return 'v2'
      }
      expect(await cache.entry('slow', slow)).toMatchObject({ value: 'v1', stale: true })
      expect(events).toContainEqual({
        event: 'error',
        payload: {
          error: expect.objectContaining({ code: 'GARNER_LOADER_TIMEOUT' }),
          operation: 'load',
          key: expect.any(String),
        },
      })
      gate.resolve()
      expect(await eventually(async () => (await cache.fetch('slow', slow)) === 'v2')).toBe(true)

      const never = deferred()
      const slowMiss = async (): Promise<string> => {
        await never.promise
        return 'late'
      }
      await expect(cache.fetch('slow-miss', slowMiss)).rejects.toMatchObject({
        code: 'GARNER_LOADER_TIMEOUT',
      })
      never.resolve()
      expect(
        await eventually(async () => (await cache.fetch('slow-miss', slowMiss)) === 'late'),
      ).toBe(true)
    })

    it('takes the options from createGarner, identity.options and fetch, each overriding the one before', async () => {
      const clock = testClock()
      const cache = garner({ clock, ttl: TTL, staleWhileRevalidate: SWR })
      const load = versions()
      await cache.key('layered').options({ staleWhileRevalidate: 0 }).fetch(load)
      clock.advance(TTL)
      // The identity turned stale-while-revalidate off: a miss.
      expect(
        await cache.key('layered').options({ staleWhileRevalidate: 0 }).entry(load),
      ).toMatchObject({ value: 'v2', hit: false })
      clock.advance(TTL)
      // The Garner default answers stale.
      expect(await cache.key('layered').entry(load)).toMatchObject({ value: 'v2', stale: true })
      for (const bad of [
        { staleWhileRevalidate: -1 },
        { staleIfError: Number.NaN },
        { loaderTimeout: 0 },
        { staleAfterInvalidate: 'yes' as unknown as boolean },
      ]) {
        expect(() => cache.key('bad').options(bad)).toThrow(TypeError)
        await expect(cache.fetch('bad', load, bad)).rejects.toThrow(TypeError)
        expect(() => garner(bad)).toThrow(TypeError)
      }
    })
  })
}
