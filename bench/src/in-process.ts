// Section 1: the cache hit path in process. Every arm holds the same 1 KB value under one key and
// answers a hit with it; Map.get is the limit, the anchors are the caches people pick instead.
import { type CacheEntry, cachified } from '@epic-web/cachified'
import { createGarner, type Garner } from '@garner/core'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache } from 'cache-manager'
import { Cacheable } from 'cacheable'
import Keyv from 'keyv'
import { type Arm, type ArmSet, keyOf } from './arms.js'
import { countingLoader, VALUE } from './fixture.js'
import type { Op } from './measure.js'

/** The in-process hit arms, not yet primed (the raw stores already hold the value). */
export async function inProcessHitArms(): Promise<ArmSet> {
  const arms: Arm[] = []

  const map = new Map<string, unknown>([[keyOf(0), VALUE]])
  arms.push({ name: 'Map.get', role: 'limit', op: (worker) => map.get(keyOf(worker)) })

  const keyv = new Keyv()
  await keyv.set(keyOf(0), VALUE)
  arms.push({ name: 'keyv.get', role: 'raw', op: (worker) => keyv.get(keyOf(worker)) })

  // cache-manager's default store: a Keyv over a Map.
  const cacheManager = createCache()
  const cmLoad = countingLoader(VALUE)
  arms.push({
    name: 'cache-manager wrap',
    role: 'anchor',
    loader: cmLoad,
    op: (worker) => cacheManager.wrap(keyOf(worker), () => cmLoad()),
  })

  const cacheable = new Cacheable()
  const cacheableLoad = countingLoader(VALUE)
  arms.push({
    name: 'cacheable getOrSet',
    role: 'anchor',
    loader: cacheableLoad,
    op: (worker) => cacheable.getOrSet(keyOf(worker), () => cacheableLoad()),
  })

  // bentocache's documented memory setup; its L1 serializes entries by default.
  const bento = new BentoCache({
    default: 'memory',
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) },
  })
  const bentoLoad = countingLoader(VALUE)
  arms.push({
    name: 'bentocache getOrSet',
    role: 'anchor',
    loader: bentoLoad,
    op: (worker) => bento.getOrSet({ key: keyOf(worker), factory: () => bentoLoad() }),
  })

  // cachified's documented minimal cache: a Map.
  const cachifiedCache = new Map<string, CacheEntry>()
  const cachifiedLoad = countingLoader(VALUE)
  arms.push({
    name: 'cachified',
    role: 'anchor',
    loader: cachifiedLoad,
    op: (worker) =>
      cachified({
        cache: cachifiedCache,
        key: keyOf(worker),
        getFreshValue: () => cachifiedLoad(),
      }),
  })

  arms.push(...garnerHitArms(() => createGarner()))

  return {
    arms,
    close: async () => {
      await cacheManager.disconnect()
      await bento.disconnectAll()
    },
  }
}

/** The binding counts of the Garner arms: none, one instance, two instances and a model. */
export const BINDING_COUNTS = [0, 1, 3] as const
export type BindingCount = (typeof BINDING_COUNTS)[number]

/**
 * One fetch with 0, 1 or 3 bindings, written as an application writes it: the options object
 * and the binding arrays are literals, built on every call.
 */
export function garnerFetch(garner: Garner, count: BindingCount, load: () => Promise<unknown>): Op {
  switch (count) {
    case 0:
      return (worker) => garner.fetch(keyOf(worker), () => load())
    case 1:
      return (worker) => garner.fetch(keyOf(worker), () => load(), { bind: ['User', 42] })
    case 3:
      return (worker) =>
        garner.fetch(keyOf(worker), () => load(), {
          bind: [['User', 42], ['Post', 7], 'Tag'],
        })
  }
}

/** `garner.fetch, 3 bindings`: the name of a Garner hit arm. */
export function garnerArmName(count: BindingCount): string {
  return `garner.fetch, ${count} binding${count === 1 ? '' : 's'}`
}

/** Garner with 0, 1 and 3 bindings, one instance each. */
export function garnerHitArms(create: () => Garner): Arm[] {
  return BINDING_COUNTS.map((count) => {
    const load = countingLoader(VALUE)
    return {
      name: garnerArmName(count),
      role: 'garner',
      loader: load,
      op: garnerFetch(create(), count, load),
    }
  })
}

/**
 * Keys one Garner hit reads with `count` bindings (entry metadata, body and the bindings'
 * generation tokens): the size of its single MGET on Redis.
 */
export function keysRead(count: BindingCount): number {
  const garner = createGarner()
  const identity =
    count === 0
      ? garner.key(keyOf(0))
      : count === 1
        ? garner.bind(['User', 42]).key(keyOf(0))
        : garner.bind([['User', 42], ['Post', 7], 'Tag']).key(keyOf(0))
  return 2 + identity.describe().tokenKeys.length
}
