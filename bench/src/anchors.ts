// The caches people pick instead of Garner, described once as data: how each opens on a store
// and answers get-or-set. The hit, miss and Redis tables all build their anchor arms from here.
import { type CacheEntry, cachified } from '@epic-web/cachified'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache } from 'cache-manager'
import { Cacheable } from 'cacheable'
import type Keyv from 'keyv'
import type { Arm } from './arms.js'
import { type CountingLoader, countingLoader, VALUE } from './fixture.js'

/** One anchor opened on a store. */
export interface OpenAnchor {
  getOrSet(key: string, load: () => Promise<unknown>): Promise<unknown>
  clear(): unknown
  close(): Promise<void>
}

/** A cache people pick instead of Garner. */
export interface Anchor {
  readonly name: string
  /**
   * Opens the anchor as its docs show: on its own in-process default when `store` is undefined,
   * otherwise on that Keyv (Redis); `undefined` when it has no Keyv-backed setup.
   */
  open(store: Keyv | undefined): OpenAnchor | undefined
}

const cacheManager: Anchor = {
  name: 'cache-manager wrap',
  open(store) {
    // The default store is a Keyv over a Map.
    const cache = createCache(store === undefined ? {} : { stores: [store] })
    return {
      getOrSet: (key, load) => cache.wrap(key, load),
      clear: () => cache.clear(),
      close: async () => {
        if (store === undefined) await cache.disconnect()
      },
    }
  },
}

const cacheable: Anchor = {
  name: 'cacheable getOrSet',
  open(store) {
    // Redis as cacheable's only store: with its default in-memory primary in front, every hit
    // would be a memory hit and a Redis table would not measure Redis at all.
    const cache = new Cacheable(store === undefined ? {} : { primary: store })
    return {
      getOrSet: (key, load) => cache.getOrSet(key, load),
      clear: () => cache.clear(),
      close: async () => {},
    }
  },
}

const bentocache: Anchor = {
  name: 'bentocache getOrSet',
  open(store) {
    // Its Redis setup needs ioredis, not Keyv: in these tables it runs in process only.
    if (store !== undefined) return undefined
    // bentocache's documented memory setup; its L1 serializes entries by default.
    const bento = new BentoCache({
      default: 'memory',
      stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) },
    })
    return {
      getOrSet: (key, load) => bento.getOrSet({ key, factory: load }),
      clear: () => bento.clear(),
      close: () => bento.disconnectAll(),
    }
  },
}

const cachifiedAnchor: Anchor = {
  name: 'cachified',
  open(store) {
    // cachified's documented minimal cache is a Map; a Keyv already has the get/set/delete its
    // Cache interface asks for.
    const cache: Map<string, CacheEntry> | Keyv<CacheEntry> = store ?? new Map<string, CacheEntry>()
    return {
      getOrSet: (key, load) => cachified({ cache, key, getFreshValue: load }),
      clear: () => cache.clear(),
      close: async () => {},
    }
  },
}

/** Every anchor, in the order the tables show them. */
export const ANCHORS: readonly Anchor[] = [cacheManager, cacheable, bentocache, cachifiedAnchor]

/** An anchor opened for one table, with the arm built on it. */
export interface AnchorArm {
  readonly arm: Arm
  readonly anchor: OpenAnchor
}

/**
 * One arm per anchor that can open on `storeFor(index)`: hit arms read `key(worker)` (the value
 * loaded once), miss arms call `key` for a new key per operation.
 */
export function anchorArms(
  kind: 'hit' | 'miss',
  storeFor: (index: number) => Keyv | undefined,
  key: (worker: number) => string,
): AnchorArm[] {
  const opened: AnchorArm[] = []
  ANCHORS.forEach((anchor, index) => {
    const store = storeFor(index)
    const cache = anchor.open(store)
    if (cache === undefined) return
    const load: CountingLoader<unknown> = countingLoader(VALUE)
    const arm: Arm =
      kind === 'hit'
        ? {
            name: anchor.name,
            role: 'anchor',
            loader: load,
            op: (worker) => cache.getOrSet(key(worker), () => load()),
          }
        : {
            name: anchor.name,
            role: 'anchor',
            op: (worker) => cache.getOrSet(key(worker), () => load()),
            // Keys are never reused; only an in-process cache is emptied, so it does not grow.
            ...(store === undefined ? { reset: () => cache.clear() } : {}),
          }
    opened.push({ arm, anchor: cache })
  })
  return opened
}
