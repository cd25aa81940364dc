// garner.stats(), the `store` event and traceMisses: counts and hooks for metrics and tracing.
import Keyv from 'keyv'
import { describe, expect, it } from 'vitest'
import { createGarner, type GarnerEvents, memoryStore, type StoreDriver } from './index.js'

describe('garner.stats()', () => {
  it('starts at zero, with the in-process tier when the store is in process', () => {
    expect(createGarner({ store: memoryStore({ maxEntries: 5 }) }).stats()).toEqual({
      hits: 0,
      hitsByTier: { near: 0, store: 0 },
      staleServed: 0,
      misses: 0,
      missesByReason: { absent: 0, stale: 0, unavailable: 0 },
      loads: 0,
      loadErrors: 0,
      invalidations: 0,
      storeErrors: 0,
      memory: { tier: 'store', entries: 0, bytes: 0, evictions: 0 },
    })
    expect(createGarner({ store: new Keyv() }).stats().memory).toBeUndefined()
  })

  it('counts hits, misses by reason, loads, load errors and invalidations without listeners', async () => {
    const garner = createGarner()
    const load = (value: string) => async () => value
    await garner.fetch('a', load('a1'), { bind: ['User', 1] }) // miss (absent), load
    await garner.fetch('c', load('c1')) // another key, no bindings: miss (absent), load
    await garner.fetch('a', load('unused'), { bind: ['User', 1] }) // hit
    await garner.entry('a', load('unused'), { bind: ['User', 1] }) // hit
    await garner.invalidate('User', 1)
    await garner.fetch('a', load('a2'), { bind: ['User', 1] }) // miss (stale), load
    await expect(
      garner.fetch('b', async () => {
        throw new Error('database down')
      }),
    ).rejects.toThrow('database down') // miss (absent), failed load
    await garner.invalidateMany([['User', 2], 'Post']) // two invalidations

    const stats = garner.stats()
    expect(stats).toMatchObject({
      hits: 2,
      hitsByTier: { near: 0, store: 2 },
      staleServed: 0,
      misses: 4,
      missesByReason: { absent: 3, stale: 1, unavailable: 0 },
      loads: 4,
      loadErrors: 1,
      invalidations: 3,
      storeErrors: 0,
    })
    expect(stats.memory?.entries).toBeGreaterThan(0)
    expect(stats.memory?.bytes).toBeGreaterThan(0)
  })

  it('counts stale answers in staleServed, as hits: stale-while-revalidate and stale-if-error', async () => {
    let now = Date.now()
    const garner = createGarner({
      clock: () => now,
      ttl: 1_000,
      staleWhileRevalidate: 1_000,
      staleIfError: 10_000,
    })
    const hits: GarnerEvents['hit'][] = []
    garner.on('hit', (event) => hits.push(event))
    const refreshed = new Promise<GarnerEvents['refresh']>((resolve) =>
      garner.on('refresh', resolve),
    )
    expect(await garner.fetch('s', async () => 'v1')).toBe('v1') // miss (absent), load
    now += 1_500
    expect(await garner.fetch('s', async () => 'v2')).toBe('v1') // stale hit, refresh loads
    expect((await refreshed).ok).toBe(true)
    expect(garner.stats()).toMatchObject({ hits: 1, staleServed: 1, loads: 2, loadErrors: 0 })
    now += 5_000
    // Past the revalidate window, within stale-if-error: the loader fails, the stale value answers.
    expect(
      await garner.fetch('s', async () => {
        throw new Error('database down')
      }),
    ).toBe('v2')
    expect(garner.stats()).toMatchObject({
      hits: 2,
      hitsByTier: { near: 0, store: 2 },
      staleServed: 2,
      misses: 2,
      loads: 3,
      loadErrors: 1,
      storeErrors: 0,
    })
    expect(hits.map((hit) => hit.stale)).toEqual([true, true])
  })

  it('counts the in-process store evictions', async () => {
    const garner = createGarner({ store: memoryStore({ maxEntries: 3 }) })
    for (let index = 0; index < 10; index++) await garner.fetch(['k', index], () => index)
    expect(garner.stats().memory).toEqual({
      tier: 'store',
      entries: 3,
      bytes: expect.any(Number),
      evictions: 7,
    })
  })

  it('returns a copy: later activity does not change an earlier snapshot', async () => {
    const garner = createGarner()
    const before = garner.stats()
    await garner.fetch('x', () => 1)
    expect(before.misses).toBe(0)
    expect(garner.stats().misses).toBe(1)
  })
})

describe('load event', () => {
  it('carries the error of a loader that threw, and its duration', async () => {
    const garner = createGarner()
    const loads: GarnerEvents['load'][] = []
    garner.on('load', (event) => loads.push(event))
    const failure = new Error('nope')
    await expect(
      garner.fetch('k', () => {
        throw failure
      }),
    ).rejects.toBe(failure)
    await garner.fetch('k', () => 1)
    expect(loads).toEqual([
      { key: expect.any(String), duration: expect.any(Number), error: failure },
      { key: expect.any(String), duration: expect.any(Number) },
    ])
  })
})

describe('store event', () => {
  it('times each call to a Keyv store, naming the operation', async () => {
    const garner = createGarner({ store: new Keyv() })
    const calls: GarnerEvents['store'][] = []
    garner.on('store', (event) => calls.push(event))
    await garner.fetch('k', () => 1, { bind: ['User', 1] }) // read, token write, token read, write
    await garner.fetch('k', () => 1, { bind: ['User', 1] }) // read
    expect(calls.map((call) => call.operation)).toEqual([
      'read',
      'writeTokens',
      'read',
      'write',
      'read',
    ])
    for (const call of calls) {
      expect(call.duration).toBeGreaterThanOrEqual(0)
      expect(call.error).toBeUndefined()
    }
  })

  it('reports a failed call with its error', async () => {
    const failure = new Error('connection refused')
    const failing = new Keyv({
      store: {
        get: async () => {
          throw failure
        },
        set: async () => {
          throw failure
        },
        delete: async () => false,
        clear: async () => {},
      },
    })
    const garner = createGarner({ store: failing })
    const calls: GarnerEvents['store'][] = []
    garner.on('store', (event) => calls.push(event))
    garner.on('error', () => {})
    expect(await garner.fetch('k', () => 'loaded')).toBe('loaded')
    expect(calls[0]).toMatchObject({ operation: 'read', error: failure })
    expect(garner.stats().storeErrors).toBe(1)
    expect(garner.stats().missesByReason.unavailable).toBe(1)
    // An unavailable store's miss is a miss like any other in the total.
    expect(garner.stats().misses).toBe(1)
  })

  it('is not emitted for the in-process store', async () => {
    const garner = createGarner()
    let calls = 0
    garner.on('store', () => {
      calls += 1
    })
    await garner.fetch('k', () => 1)
    await garner.fetch('k', () => 1)
    expect(calls).toBe(0)
  })
})

describe('traceMisses', () => {
  it('runs the work of each miss through the tracer, nested in installation order, never for hits', async () => {
    const garner = createGarner()
    const trail: string[] = []
    const removeOuter = garner.traceMisses(async (event, work) => {
      trail.push(`outer start ${event.reason}`)
      const result = await work()
      trail.push('outer end')
      return result
    })
    garner.traceMisses(async (_event, work) => {
      trail.push('inner start')
      const result = await work()
      trail.push('inner end')
      return result
    })
    expect(
      await garner.fetch('k', () => {
        trail.push('loader')
        return 1
      }),
    ).toBe(1)
    await garner.fetch('k', () => 2) // a hit
    expect(trail).toEqual(['outer start absent', 'inner start', 'loader', 'inner end', 'outer end'])

    removeOuter()
    trail.length = 0
    await garner.fetch('other', () => 3)
    expect(trail).toEqual(['inner start', 'inner end'])
  })

  it('refuses what is not a function', () => {
    expect(() => createGarner().traceMisses(42 as never)).toThrow(TypeError)
  })
})

describe('a remote StoreDriver of your own', () => {
  it('keeps its synchronous reads and in-process figures behind the store timing', async () => {
    const memory = memoryStore()
    // A remote store with a tier in process memory, as a near cache is: its synchronous reads
    // answer hits without a store call, and stats() reports its in-process tier.
    const nearish: StoreDriver = {
      kind: 'keyv',
      remote: true,
      readNow: (keys, tokenKeys) => memory.readNow(keys, tokenKeys),
      read: (keys, tokenKeys, withBody) => memory.read(keys, tokenKeys, withBody),
      readBody: (keys, etag) => memory.readBody(keys, etag),
      write: (keys, record, ttl) => memory.write(keys, record, ttl),
      writeTokens: (tokens, ttl) => memory.writeTokens(tokens, ttl),
      memoryStats: () => ({ ...memory.memoryStats(), tier: 'near' }),
    }
    const garner = createGarner({ store: nearish })
    const operations: string[] = []
    garner.on('store', (event) => operations.push(event.operation))
    await garner.fetch('k', () => 1) // a miss: timed store calls
    const before = operations.length
    await garner.fetch('k', () => 2) // a hit from readNow: no store call
    expect(operations.length).toBe(before)
    expect(before).toBeGreaterThan(0)
    expect(garner.stats().hits).toBe(1)
    expect(garner.stats().memory).toMatchObject({ tier: 'near', entries: 1 })
  })
})
