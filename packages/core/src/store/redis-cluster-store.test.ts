// The cluster driver's key placement: an entry's two keys share its hash tag, and the near cache
// maps a key Redis names in an invalidation back to the entry key it holds.
import { describe, expect, it } from 'vitest'
import { ClusterRouter, type RedisClusterLike } from './cluster-router.js'
import { clusterSlot } from './cluster-slot.js'
import { clusterOf, RedisClusterStoreDriver } from './redis-cluster-store.js'

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
    // It times out and retries by itself, node by node: Garner puts no guard around it.
    expect(store.guardsItself).toBe(true)
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

describe('cluster key placement, memoized', () => {
  it('places the same entry the same way, and an entry key with another body afresh', () => {
    const store = driver()
    const keys = { entry: 'ns:e:"k"', body: 'ns:b:"k"' }
    const first = store.placed(keys)
    expect(store.placed({ ...keys })).toEqual(first)
    // Another body under the same entry key (another namespace's naming) gets its own placement.
    const other = store.placed({ entry: keys.entry, body: 'other:b:"k"' })
    expect(other.body.endsWith('other:b:"k"')).toBe(true)
    expect(clusterSlot(other.body)).toBe(clusterSlot(other.entry))
  })
})

describe('clusterOf', () => {
  const cluster = {
    slots: [],
    masters: [],
    sendCommand: async () => undefined,
  }

  it('finds the cluster client under a Keyv adapter, and nothing under anything else', () => {
    expect(clusterOf({ store: { client: cluster } } as never)).toBe(cluster)
    for (const store of [
      null,
      {},
      { client: null },
      { client: 'cluster' },
      { client: { ...cluster, slots: undefined } },
      { client: { ...cluster, masters: {} } },
      { client: { ...cluster, sendCommand: 'send' } },
    ]) {
      expect(clusterOf({ store } as never)).toBeUndefined()
    }
  })
})

describe('ClusterRouter.of', () => {
  function fakeCluster(): RedisClusterLike & { readonly events: string[] } {
    const events: string[] = []
    return {
      events,
      isOpen: false,
      slots: [],
      masters: [],
      connect: async () => undefined,
      sendCommand: async () => undefined,
      on: (event: string) => {
        events.push(event)
      },
      once: () => undefined,
    } as unknown as RedisClusterLike & { readonly events: string[] }
  }

  it('makes one router per cluster client, which listens for node errors once', () => {
    const one = fakeCluster()
    const other = fakeCluster()
    const router = ClusterRouter.of(one)
    expect(ClusterRouter.of(one)).toBe(router)
    expect(ClusterRouter.of(other)).not.toBe(router)
    expect(router.cluster).toBe(one)
    expect(one.events).toEqual(['node-error'])
  })
})
