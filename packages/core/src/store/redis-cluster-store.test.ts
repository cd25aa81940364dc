// The cluster driver's key placement: an entry's two keys share its hash tag, and the near cache
// maps a key Redis names in an invalidation back to the entry key it holds.
import { describe, expect, it } from 'vitest'
import type { RedisClusterLike } from './cluster-router.js'
import { clusterSlot } from './cluster-slot.js'
import { RedisClusterStoreDriver } from './redis-cluster-store.js'

function driver(): RedisClusterStoreDriver {
  const cluster: RedisClusterLike = {
    isOpen: false,
    slots: [],
    masters: [],
    connect: async () => undefined,
    sendCommand: async () => undefined,
    on: () => undefined,
    once: () => undefined,
  }
  return new RedisClusterStoreDriver({ store: { get() {}, set() {} } }, cluster, { timeout: 100 })
}

describe('cluster key placement', () => {
  it('puts an entry and its body in one slot, and maps the stored entry key back', () => {
    const store = driver()
    const keys = { entry: 'ns:e:{"key":["widget",7]}', body: 'ns:b:{"key":["widget",7]}' }
    const placed = store.placed(keys)
    expect(clusterSlot(placed.entry)).toBe(clusterSlot(placed.body))
    expect(placed.entry).not.toBe(keys.entry)
    expect(store.unplaced(placed.entry)).toBe(keys.entry)
  })

  it('leaves keys without an entry tag as they are', () => {
    const store = driver()
    expect(store.unplaced('ns:ti:["Widget",7]')).toBe('ns:ti:["Widget",7]')
    expect(store.unplaced('{other}ns:e:x')).toBe('{other}ns:e:x')
    expect(store.unplaced('{unclosed')).toBe('{unclosed')
  })
})
