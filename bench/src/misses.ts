// Section 3a: the miss path (a key never seen before: look up, run the loader, store) and the
// cost of an invalidation, in process and on Redis. Every miss arm uses a new key per operation.
import { createGarner, memoryStore } from '@garner/core'
import { createKeyv } from '@keyv/redis'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import type Keyv from 'keyv'
import { anchorArms } from './anchors.js'
import type { Arm, ArmSet } from './arms.js'
import { countingLoader, VALUE } from './fixture.js'
import { databaseUrl } from './redis-server.js'

/** Logical databases of the miss and invalidation arms (the hit arms use 0 … 7, the stampede 13). */
const DB = { raw: 7, anchors: 8, garner: 12, invalidate: 14 }

/** A fresh key per call, distinct per arm. */
function keys(prefix: string): () => string {
  let next = 0
  return () => `${prefix}:${next++}`
}

/** The in-process miss arms; `reset` empties each cache before a round. */
export function inProcessMissArms(): ArmSet {
  const arms: Arm[] = []

  const map = new Map<string, unknown>()
  const mapKey = keys('map')
  const mapLoad = countingLoader(VALUE)
  arms.push({
    name: 'Map get + set',
    role: 'limit',
    op: async () => {
      const key = mapKey()
      let value = map.get(key)
      if (value === undefined) {
        value = await mapLoad()
        map.set(key, value)
      }
      return value
    },
    reset: () => map.clear(),
  })

  const anchors = anchorArms('miss', () => undefined, keys('anchor'))
  arms.push(...anchors.map(({ arm }) => arm))

  // The default store (memoryStore() with its default bounds), passed in to be cleared.
  const store = memoryStore()
  const garner = createGarner({ store })
  const garnerKey = keys('garner')
  const garnerLoad = countingLoader(VALUE)
  arms.push({
    name: 'garner.fetch, 1 binding',
    role: 'garner',
    op: () => garner.fetch(garnerKey(), () => garnerLoad(), { bind: ['User', 42] }),
    reset: () => store.clear(),
  })

  return {
    arms,
    close: async () => {
      await Promise.all(anchors.map(({ anchor }) => anchor.close()))
    },
  }
}

/** The Redis miss arms. Keys are never reused, so nothing needs resetting between rounds. */
export function redisMissArms(url: string): ArmSet {
  const clients: Keyv[] = []
  const keyvOn = (db: number): Keyv => {
    const keyv = createKeyv(databaseUrl(url, db))
    clients.push(keyv)
    return keyv
  }
  const arms: Arm[] = []

  const raw = keyvOn(DB.raw)
  const rawKey = keys('raw')
  const rawLoad = countingLoader(VALUE)
  arms.push({
    name: 'keyv.get + keyv.set',
    role: 'limit',
    op: async () => {
      const key = rawKey()
      let value = await raw.get(key)
      if (value === undefined) {
        value = await rawLoad()
        await raw.set(key, value)
      }
      return value
    },
  })

  arms.push(
    ...anchorArms('miss', (index) => keyvOn(DB.anchors + index), keys('anchor')).map(
      ({ arm }) => arm,
    ),
  )

  const garner = createGarner({ store: keyvOn(DB.garner) })
  const garnerKey = keys('garner')
  const garnerLoad = countingLoader(VALUE)
  arms.push({
    name: 'garner.fetch, 1 binding',
    role: 'garner',
    op: () => garner.fetch(garnerKey(), () => garnerLoad(), { bind: ['User', 42] }),
  })

  return {
    arms,
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.disconnect()))
    },
  }
}

/**
 * Invalidation arms: Garner's `invalidate('User', id)` for ever new ids (a write to one row), a
 * model-wide `invalidate('User')`, bentocache's `deleteByTag` (the nearest anchor feature: the
 * others can only delete keys they know), and one plain store write as the limit.
 */
export function invalidationArms(url: string | undefined): ArmSet {
  const arms: Arm[] = []
  const clients: Keyv[] = []
  let bento: BentoCache<{ memory: ReturnType<typeof bentostore> }> | undefined
  let id = 0
  if (url === undefined) {
    const map = new Map<string, string>()
    arms.push({
      name: 'Map.set',
      role: 'limit',
      op: () => map.set(`token:${id++ % 1_000}`, 'x'),
    })
    bento = new BentoCache({
      default: 'memory',
      stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) },
    })
    const tagged = bento
    arms.push({
      name: 'bentocache deleteByTag',
      role: 'anchor',
      op: () => tagged.deleteByTag({ tags: [`user:${id++}`] }),
    })
    arms.push(...garnerInvalidations(createGarner(), () => id++))
  } else {
    const keyv = createKeyv(databaseUrl(url, DB.invalidate))
    clients.push(keyv)
    arms.push({ name: 'keyv.set', role: 'limit', op: () => keyv.set(`token:${id++ % 1_000}`, 'x') })
    const store = createKeyv(databaseUrl(url, DB.invalidate))
    clients.push(store)
    arms.push(...garnerInvalidations(createGarner({ store }), () => id++))
  }
  return {
    arms,
    close: async () => {
      await bento?.disconnectAll()
      await Promise.allSettled(clients.map((client) => client.disconnect()))
    },
  }
}

function garnerInvalidations(garner: ReturnType<typeof createGarner>, nextId: () => number): Arm[] {
  return [
    {
      name: "garner.invalidate('User', id)",
      role: 'garner',
      op: () => garner.invalidate('User', nextId()),
    },
    { name: "garner.invalidate('User')", role: 'garner', op: () => garner.invalidate('User') },
  ]
}
