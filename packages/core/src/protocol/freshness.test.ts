// Tests for the freshness policies: merging and checking the options, and what a stale entry may
// still be used for.
import { describe, expect, it } from 'vitest'
import {
  checkWindow,
  type Freshness,
  mergeFreshness,
  NO_FRESHNESS,
  overlayFreshness,
  servesStale,
  staleness,
  storeTtl,
} from './freshness.js'

const policy = (overrides: Partial<Freshness>): Freshness => ({ ...NO_FRESHNESS, ...overrides })

describe('mergeFreshness', () => {
  it('returns the base itself when the options set nothing', () => {
    const base = policy({ staleIfError: 5 })
    expect(mergeFreshness(base, undefined)).toBe(base)
    expect(mergeFreshness(base, {})).toBe(base)
  })

  it('replaces exactly the members the options set', () => {
    const base = policy({ staleWhileRevalidate: 1, staleIfError: 2, loaderTimeout: 3 })
    expect(mergeFreshness(base, { staleWhileRevalidate: 10 })).toEqual({
      ...base,
      staleWhileRevalidate: 10,
    })
    expect(mergeFreshness(base, { staleIfError: 20 })).toEqual({ ...base, staleIfError: 20 })
    expect(mergeFreshness(base, { loaderTimeout: 30 })).toEqual({ ...base, loaderTimeout: 30 })
    expect(mergeFreshness(base, { staleAfterInvalidate: true })).toEqual({
      ...base,
      staleAfterInvalidate: true,
    })
  })

  it('refuses invalid options, naming the option and what it must be', () => {
    expect(() => mergeFreshness(NO_FRESHNESS, { staleWhileRevalidate: -1 })).toThrow(
      new TypeError(
        'Garner: staleWhileRevalidate must be a number of milliseconds, 0 or more (0 or omitted for none); got -1.',
      ),
    )
    expect(() => mergeFreshness(NO_FRESHNESS, { staleIfError: Number.NaN })).toThrow(
      'Garner: staleIfError must be a number of milliseconds',
    )
    expect(() => mergeFreshness(NO_FRESHNESS, { loaderTimeout: 0 })).toThrow(
      new TypeError(
        'Garner: loaderTimeout must be a positive number of milliseconds (omit it for no limit); got 0.',
      ),
    )
    expect(() =>
      mergeFreshness(NO_FRESHNESS, { staleAfterInvalidate: 'yes' as unknown as boolean }),
    ).toThrow(new TypeError('Garner: staleAfterInvalidate must be true or false; got yes.'))
  })
})

describe('checkWindow and the loader timeout check', () => {
  it('accept zero or more milliseconds for a window, and more than zero for a timeout', () => {
    expect(checkWindow(0, 'w')).toBe(0)
    expect(checkWindow(1.5, 'w')).toBe(1.5)
    expect(mergeFreshness(NO_FRESHNESS, { loaderTimeout: 0.5 }).loaderTimeout).toBe(0.5)
  })

  it('refuse what is not a finite number in range', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => checkWindow(bad, 'w'), String(bad)).toThrow(TypeError)
    }
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => mergeFreshness(NO_FRESHNESS, { loaderTimeout: bad }), String(bad)).toThrow(
        TypeError,
      )
    }
  })
})

describe('servesStale', () => {
  it('is true when either stale window is open', () => {
    expect(servesStale(NO_FRESHNESS)).toBe(false)
    expect(servesStale(policy({ staleWhileRevalidate: 1 }))).toBe(true)
    expect(servesStale(policy({ staleIfError: 1 }))).toBe(true)
  })
})

describe('storeTtl', () => {
  it('keeps an entry for its ttl plus the longer stale window', () => {
    expect(storeTtl(undefined, policy({ staleIfError: 5 }))).toBeUndefined()
    expect(storeTtl(100, NO_FRESHNESS)).toBe(100)
    expect(storeTtl(100, policy({ staleWhileRevalidate: 50, staleIfError: 200 }))).toBe(300)
    expect(storeTtl(100, policy({ staleWhileRevalidate: 200, staleIfError: 50 }))).toBe(300)
  })
})

describe('staleness', () => {
  const freshUntil = 1_000

  it('answers within stale-while-revalidate, then falls back within stale-if-error', () => {
    const both = policy({ staleWhileRevalidate: 100, staleIfError: 300 })
    expect(staleness(freshUntil, true, both, 1_000)).toBe('revalidate')
    expect(staleness(freshUntil, true, both, 1_099)).toBe('revalidate')
    expect(staleness(freshUntil, true, both, 1_100)).toBe('fallback')
    expect(staleness(freshUntil, true, both, 1_299)).toBe('fallback')
    expect(staleness(freshUntil, true, both, 1_300)).toBe('unusable')
  })

  it('never uses an invalidated entry without staleAfterInvalidate', () => {
    const both = policy({ staleWhileRevalidate: 100, staleIfError: 300 })
    expect(staleness(freshUntil, false, both, 500)).toBe('unusable')
    const after = { ...both, staleAfterInvalidate: true }
    expect(staleness(freshUntil, false, after, 500)).toBe('revalidate')
  })

  // An invalidated entry still within its ttl is inside every window's time span: only a window
  // that is open at all may answer it.
  it('uses a closed window for nothing, even before the entry would expire', () => {
    const fallbackOnly = policy({ staleIfError: 300, staleAfterInvalidate: true })
    expect(staleness(freshUntil, false, fallbackOnly, 500)).toBe('fallback')
    const revalidateOnly = policy({ staleWhileRevalidate: 300, staleAfterInvalidate: true })
    expect(staleness(freshUntil, false, revalidateOnly, 500)).toBe('revalidate')
    expect(staleness(freshUntil, false, policy({ staleAfterInvalidate: true }), 500)).toBe(
      'unusable',
    )
  })
})

describe('overlayFreshness', () => {
  it('returns the previous options when the new ones set nothing', () => {
    const previous = { staleIfError: 5 }
    expect(overlayFreshness(previous, undefined)).toBe(previous)
    expect(overlayFreshness(previous, {})).toBe(previous)
    expect(overlayFreshness(undefined, {})).toBeUndefined()
  })

  it('lays the options set over the previous ones', () => {
    const previous = { staleIfError: 5, loaderTimeout: 7 }
    expect(overlayFreshness(previous, { staleWhileRevalidate: 1 })).toEqual({
      staleWhileRevalidate: 1,
      staleIfError: 5,
      loaderTimeout: 7,
    })
    expect(
      overlayFreshness(previous, { staleIfError: 2, loaderTimeout: 3, staleAfterInvalidate: true }),
    ).toEqual({ staleIfError: 2, loaderTimeout: 3, staleAfterInvalidate: true })
    expect(previous).toEqual({ staleIfError: 5, loaderTimeout: 7 })
  })

  it('checks each option set, naming it', () => {
    expect(() => overlayFreshness(undefined, { staleWhileRevalidate: -1 })).toThrow(
      'Garner: staleWhileRevalidate must be',
    )
    expect(() => overlayFreshness(undefined, { staleIfError: -1 })).toThrow(
      'Garner: staleIfError must be',
    )
    expect(() => overlayFreshness(undefined, { loaderTimeout: -1 })).toThrow(
      'Garner: loaderTimeout must be',
    )
    expect(() =>
      overlayFreshness(undefined, { staleAfterInvalidate: 1 as unknown as boolean }),
    ).toThrow('Garner: staleAfterInvalidate must be')
  })
})
