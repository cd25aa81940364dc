import { describe, expect, it } from 'vitest'
import { CLUSTER_SLOTS, clusterSlot, entryHashTag } from './cluster-slot.js'

describe('clusterSlot', () => {
  it('agrees with CLUSTER KEYSLOT of redis-server 7.0, hash tags included', () => {
    // Each figure was read from a cluster-enabled redis-server 7.0 with CLUSTER KEYSLOT.
    const expected: [string, number][] = [
      ['123456789', 12739],
      ['foo', 12182],
      ['bar', 5061],
      ['{user1000}.following', 3443],
      ['{user1000}.followers', 3443],
      ['a{}b', 13694],
      ['{}x', 10595],
      ['x{', 3596],
      ['garner:ti:["Widget","7"]', 5405],
      ['é{ü}', 9552],
      ['{ab}{cd}', 13567],
      ['', 0],
      // A closing brace before any opening one starts no tag.
      ['ab}c', 14509],
      ['}{a}', 15495],
    ]
    for (const [key, slot] of expected) expect([key, clusterSlot(key)]).toEqual([key, slot])
  })

  it('tags an entry with the 32-bit FNV-1a of its key, in base 36', () => {
    // FNV-1a's published values: the offset basis for no input, 0xe40c292c for "a".
    expect(entryHashTag('')).toBe(`{${(0x811c9dc5).toString(36)}}`)
    expect(entryHashTag('a')).toBe(`{${(0xe40c292c).toString(36)}}`)
  })

  it('puts an entry and its body in one slot, and spreads entries over the slots', () => {
    const slots = new Set<number>()
    for (let index = 0; index < 2_000; index++) {
      const tag = entryHashTag(`app:e:{"key":["widget",${index}]}`)
      const entry = clusterSlot(`${tag}app:e:{"key":["widget",${index}]}`)
      expect(clusterSlot(`${tag}app:b:{"key":["widget",${index}]}`)).toBe(entry)
      slots.add(entry)
    }
    // 2,000 entries over 16,384 slots: nearly all distinct if the tag spreads them.
    expect(slots.size).toBeGreaterThan(1_850)
    expect([...slots].every((slot) => slot >= 0 && slot < CLUSTER_SLOTS)).toBe(true)
  })
})
