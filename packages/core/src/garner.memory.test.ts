// What only the in-process store promises (the core contract runs over every store in
// @garner/fixtures).
import { describe, expect, it, vi } from 'vitest'
import { canonicalHashEtag, createGarner, memoryStore } from './index.js'

describe('in-process store', () => {
  it('answers a hit without serializing, parsing or hashing the value', async () => {
    let hashed = 0
    const garner = createGarner({
      etag: (input) => {
        hashed += 1
        return canonicalHashEtag(input)
      },
    })
    const value = { name: 'Ada', tags: ['a', 'b'], nested: { deep: [1, 2, 3] } }
    const first = await garner.fetch('profile', () => value, { bind: ['User', 1] })
    expect(hashed).toBe(1)
    const stringify = vi.spyOn(JSON, 'stringify')
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const hit = await garner.fetch('profile', () => ({ name: 'other' }), { bind: ['User', 1] })
      // The very object stored on the miss: no copy, no parse.
      expect(hit).toBe(first)
      expect(hit).toEqual(value)
      expect(parse).not.toHaveBeenCalled()
      expect(hashed).toBe(1)
      for (const call of stringify.mock.calls) expect(typeof call[0]).toBe('string')
    } finally {
      vi.restoreAllMocks()
    }
  })

  it("never freezes or otherwise touches the loader's own object", async () => {
    const garner = createGarner()
    const row = { id: 1, tags: ['a'] }
    const cached = await garner.fetch('row', () => row)
    expect(Object.isFrozen(cached)).toBe(true)
    expect(Object.isFrozen(row)).toBe(false)
    row.tags.push('b')
    expect(await garner.fetch('row', () => row)).toEqual({ id: 1, tags: ['a'] })
  })

  it('stays within its entry bound however many distinct keys are cached', async () => {
    const store = memoryStore({ maxEntries: 500 })
    const garner = createGarner({ store })
    for (let index = 0; index < 5_000; index++) {
      await garner.fetch(['flood', index], () => ({ index }), { bind: ['Row', index % 50] })
      expect(store.size).toBeLessThanOrEqual(500)
    }
    // Recently read entries survive the flood of new ones.
    const hot = { calls: 0 }
    const load = () => {
      hot.calls += 1
      return 'hot'
    }
    await garner.fetch('hot', load)
    for (let index = 0; index < 2_000; index++) {
      await garner.fetch('hot', load)
      await garner.fetch(['cold', index], () => index)
    }
    expect(hot.calls).toBe(1)
  })

  it('stays within its byte bound', async () => {
    const store = memoryStore({ maxBytes: 1_000_000 })
    const garner = createGarner({ store })
    const big = 'x'.repeat(10_000)
    for (let index = 0; index < 1_000; index++) {
      await garner.fetch(['big', index], () => ({ big, index }))
      expect(store.bytes).toBeLessThanOrEqual(1_000_000)
    }
    expect(store.size).toBeGreaterThan(10)
  })

  it('does not keep a value larger than its whole byte bound', async () => {
    const store = memoryStore({ maxBytes: 10_000 })
    const garner = createGarner({ store })
    let calls = 0
    const load = () => {
      calls += 1
      return 'y'.repeat(20_000)
    }
    await garner.fetch('huge', load)
    await garner.fetch('huge', load)
    expect(calls).toBe(2)
    expect(store.bytes).toBeLessThanOrEqual(10_000)
  })

  it('answers a stale hit like a fresh one: the stored object, no parsing, in one settled promise', async () => {
    let now = Date.now()
    const garner = createGarner({ clock: () => now, ttl: 1_000, staleWhileRevalidate: 1_000 })
    const first = await garner.fetch('stale-sync', () => ({ v: 1 }))
    now += 1_000
    const parse = vi.spyOn(JSON, 'parse')
    try {
      let settled = false
      const refresh = () => new Promise<{ v: number }>(() => {})
      const answer = garner.fetch('stale-sync', refresh).then((value) => {
        settled = true
        return value
      })
      // A hit in process is one settled promise: one microtask to the listener above.
      await Promise.resolve()
      expect(settled).toBe(true)
      expect(await answer).toBe(first)
      expect(parse).not.toHaveBeenCalled()
    } finally {
      vi.restoreAllMocks()
    }
  })

  it('rejects bounds that are not positive integers', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => memoryStore({ maxBytes: 1.5 })).toThrow(/maxBytes must be a positive integer/)
  })

  it('rejects a store that is neither a Keyv instance nor a memory store', () => {
    expect(() => createGarner({ store: new Map() as never })).toThrow(
      /store must be a Keyv instance/,
    )
  })
})
