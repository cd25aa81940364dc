import { describe, expect, it } from 'vitest'
import { NO_FRESHNESS } from '../protocol/freshness.js'
import { publicCacheControl, publicCacheDirectives } from './cache-control.js'

const windows = { ...NO_FRESHNESS, staleWhileRevalidate: 300_000, staleIfError: 3_600_000 }

describe('publicCacheControl', () => {
  it('writes RFC 5861 directives, and must-revalidate only without stale windows', () => {
    expect(publicCacheControl({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 3600 })).toBe(
      'public, max-age=60, stale-while-revalidate=300, stale-if-error=3600',
    )
    expect(publicCacheControl({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 30 })).toBe(
      'public, max-age=60, stale-if-error=30',
    )
    expect(publicCacheControl({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 })).toBe(
      'public, max-age=60, must-revalidate',
    )
    expect(
      publicCacheControl({ maxAge: undefined, staleWhileRevalidate: 0, staleIfError: 0 }),
    ).toBe('public, max-age=0, must-revalidate')
    expect(
      publicCacheControl({
        maxAge: 60,
        sharedMaxAge: 60,
        staleWhileRevalidate: 300,
        staleIfError: 3600,
      }),
    ).toBe('public, max-age=60, s-maxage=60, stale-while-revalidate=300, stale-if-error=3600')
    expect(
      publicCacheControl({
        maxAge: 30,
        sharedMaxAge: 31,
        staleWhileRevalidate: 0,
        staleIfError: 0,
      }),
    ).toBe('public, max-age=30, s-maxage=31, must-revalidate')
    expect(
      publicCacheControl({
        maxAge: undefined,
        sharedMaxAge: 86400,
        staleWhileRevalidate: 0,
        staleIfError: 0,
      }),
    ).toBe('public, max-age=0, must-revalidate, s-maxage=86400')
  })

  it('counts what is left of each window, in whole seconds', () => {
    const now = 1_000_000
    expect(publicCacheDirectives(now + 60_000, false, windows, now)).toEqual({
      maxAge: 60,
      staleWhileRevalidate: 300,
      staleIfError: 3600,
    })
    expect(publicCacheDirectives(now + 59_999, false, windows, now).maxAge).toBe(59)
    expect(publicCacheDirectives(now - 100_000, true, windows, now)).toEqual({
      maxAge: 0,
      staleWhileRevalidate: 200,
      staleIfError: 3500,
    })
    // An invalidated entry answered stale within its ttl has no freshness left either.
    expect(publicCacheDirectives(now + 60_000, true, windows, now)).toEqual({
      maxAge: 0,
      staleWhileRevalidate: 300,
      staleIfError: 3600,
    })
    expect(publicCacheDirectives(Number.POSITIVE_INFINITY, false, windows, now).maxAge).toBe(
      undefined,
    )
  })
})

describe('publicCacheControl with one stale window', () => {
  it('drops must-revalidate when either window is open', () => {
    expect(publicCacheControl({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 0 })).toBe(
      'public, max-age=60, stale-while-revalidate=300',
    )
  })
})
