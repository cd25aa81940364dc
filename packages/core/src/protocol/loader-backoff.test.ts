// Tests for the per-key backoff of failing loaders.
import { describe, expect, it } from 'vitest'
import { LoaderBackoff } from './loader-backoff.js'

describe('LoaderBackoff', () => {
  it('blocks a key from its first failure until the minimum wait is over, and no other key', () => {
    const backoff = new LoaderBackoff(1_000, 30_000)
    expect(backoff.blocked('a', 0)).toBe(false)
    backoff.failed('a', 0)
    expect(backoff.blocked('a', 0)).toBe(true)
    expect(backoff.blocked('a', 999)).toBe(true)
    expect(backoff.blocked('a', 1_000)).toBe(false)
    expect(backoff.blocked('b', 0)).toBe(false)
  })

  it('doubles the wait after each further failure, up to the maximum', () => {
    const backoff = new LoaderBackoff(1_000, 3_000)
    backoff.failed('a', 0) // retry at 1,000
    backoff.failed('a', 1_000) // waits 2,000: retry at 3,000
    expect(backoff.blocked('a', 2_999)).toBe(true)
    expect(backoff.blocked('a', 3_000)).toBe(false)
    backoff.failed('a', 3_000) // 4,000 capped at 3,000: retry at 6,000
    expect(backoff.blocked('a', 5_999)).toBe(true)
    expect(backoff.blocked('a', 6_000)).toBe(false)
  })

  it('counts the failures reported while a key is backing off as the one that started it', () => {
    const backoff = new LoaderBackoff(1_000, 30_000)
    backoff.failed('a', 0)
    backoff.failed('a', 500) // a caller that joined the same load
    backoff.failed('a', 1_000) // the second attempt: waits 2,000
    expect(backoff.blocked('a', 2_999)).toBe(true)
    expect(backoff.blocked('a', 3_000)).toBe(false)
  })

  it('forgets a key when its loader works', () => {
    const backoff = new LoaderBackoff(1_000, 30_000)
    backoff.failed('a', 0)
    backoff.failed('b', 0)
    backoff.succeeded('a')
    expect(backoff.blocked('a', 0)).toBe(false)
    expect(backoff.blocked('b', 0)).toBe(true)
    backoff.failed('a', 0) // counts from one again: waits the minimum
    expect(backoff.blocked('a', 1_000)).toBe(false)
  })

  it('keeps 10,000 keys, then forgets them all to make room', () => {
    const backoff = new LoaderBackoff(1_000, 30_000)
    for (let index = 0; index < 10_000; index++) backoff.failed(`k${index}`, 0)
    expect(backoff.blocked('k0', 0)).toBe(true)
    expect(backoff.blocked('k9999', 0)).toBe(true)
    backoff.failed('new', 0)
    expect(backoff.blocked('k0', 0)).toBe(false)
    expect(backoff.blocked('k9999', 0)).toBe(false)
    expect(backoff.blocked('new', 0)).toBe(true)
  })
})
