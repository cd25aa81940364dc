// Queued invalidations on a store whose parts fail apart (a Redis Cluster's nodes, here a store
// under the test's control): what landed on the healthy part is not held back by the dead part.
import { describe, expect, it } from 'vitest'
import { createGarner, type MissReason, memoryStore, type StoreDriver } from './index.js'

/** A remote store guarding its own parts: token writes to keys in `down` fail, the rest land. */
function partedStore(down: Set<string>): StoreDriver {
  const inner = memoryStore()
  const isDown = (key: string) => [...down].some((model) => key.includes(`"${model}"`))
  return {
    kind: 'keyv',
    remote: true,
    guardsItself: true,
    read: (keys, tokenKeys, withBody) => inner.read(keys, tokenKeys, withBody),
    readBody: (keys, etag) => inner.readBody(keys, etag),
    write: (keys, record, ttl) => inner.write(keys, record, ttl),
    async writeTokens(tokens, ttl, options) {
      const landing = tokens.filter(([key]) => !isDown(key))
      await inner.writeTokens(landing, ttl)
      if (landing.length === tokens.length) return
      options?.landed?.(landing.map(([key]) => key))
      throw new Error('that part of the store is down')
    },
  }
}

describe('a queued invalidation on a store that fails in parts', () => {
  it('lets the part that recovered serve from the cache while another part stays down', async () => {
    const down = new Set<string>()
    const garner = createGarner({ store: partedStore(down) })
    const misses: MissReason[] = []
    garner.on('miss', (event) => misses.push(event.reason))
    garner.on('error', () => {})
    const fetchA = () => garner.entry('a', () => 'a', { bind: ['A', 1] })
    await fetchA()
    expect((await fetchA()).hit).toBe(true)

    // Both parts down: both invalidations are queued.
    down.add('A').add('B')
    await garner.invalidate('A', 1)
    await garner.invalidate('B', 1)
    misses.length = 0
    expect((await fetchA()).hit).toBe(false)
    expect(misses).toEqual(['unavailable'])

    // A's part is back, B's is not: the retry lands A's tokens, and A caches again.
    down.delete('A')
    const cached = async () => {
      await fetchA()
      return (await fetchA()).hit
    }
    let hit = false
    for (let attempt = 0; attempt < 40 && !hit; attempt++) {
      hit = await cached()
      if (!hit) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(hit).toBe(true)
  })

  it('keeps queued what a later invalidation of the same key could not supersede', async () => {
    const down = new Set<string>(['B'])
    const garner = createGarner({ store: partedStore(down) })
    garner.on('error', () => {})
    const fetchB = () => garner.entry('b', () => 'b', { bind: ['B', 1] })
    down.delete('B')
    await fetchB()
    expect((await fetchB()).hit).toBe(true)
    down.add('B')
    await garner.invalidate('B', 1)
    // Still down: every read of B comes from its loader, never from the cache.
    for (let read = 0; read < 5; read++) expect((await fetchB()).hit).toBe(false)
  })
})
