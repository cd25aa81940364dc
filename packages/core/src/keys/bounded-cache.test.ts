// Tests for the bounded memo of derived key strings.
import { describe, expect, it } from 'vitest'
import { BoundedCache } from './bounded-cache.js'

describe('BoundedCache', () => {
  it('returns what was set, and the value set', () => {
    const cache = new BoundedCache<string, number>(3)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.set('a', 1)).toBe(1)
    expect(cache.get('a')).toBe(1)
  })

  it('holds up to its limit, then starts over', () => {
    const cache = new BoundedCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect([cache.get('a'), cache.get('b')]).toEqual([1, 2])
    // A new key at the limit starts over: the memo never grows past its limit.
    cache.set('c', 3)
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 3])
    cache.set('d', 4)
    expect([cache.get('c'), cache.get('d')]).toEqual([3, 4])
  })
})
