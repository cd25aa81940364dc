// Section 2: the cache hit path on a real Redis on loopback. Raw keyv.get (one GET through
// @keyv/redis) is the limit; the anchors run on the same Keyv Redis adapter.
import { type CacheEntry, cachified } from '@epic-web/cachified'
import { createGarner } from '@garner/core'
import { createKeyv } from '@keyv/redis'
import { createCache } from 'cache-manager'
import { Cacheable } from 'cacheable'
import type Keyv from 'keyv'
import { type Arm, type ArmSet, keyOf } from './arms.js'
import { countingLoader, VALUE } from './fixture.js'
import { garnerHitArms } from './in-process.js'
import { databaseUrl } from './redis-server.js'

/** Logical databases of the hit arms (misses and stampedes use others). */
const DB = { raw: 0, cacheManager: 1, cacheable: 2, cachified: 3, garner: 4 } as const

/** The Redis hit arms, not yet primed (the raw store already holds the value for `workers` keys). */
export async function redisHitArms(url: string, workers: number): Promise<ArmSet> {
  const clients: Keyv[] = []
  const keyvOn = (db: number): Keyv => {
    const keyv = createKeyv(databaseUrl(url, db))
    clients.push(keyv)
    return keyv
  }
  const arms: Arm[] = []

  const raw = keyvOn(DB.raw)
  for (let worker = 0; worker < workers; worker++) await raw.set(keyOf(worker), VALUE)
  arms.push({
    name: 'keyv.get (@keyv/redis)',
    role: 'limit',
    op: (worker) => raw.get(keyOf(worker)),
  })

  const cacheManager = createCache({ stores: [keyvOn(DB.cacheManager)] })
  const cmLoad = countingLoader(VALUE)
  arms.push({
    name: 'cache-manager wrap',
    role: 'anchor',
    loader: cmLoad,
    op: (worker) => cacheManager.wrap(keyOf(worker), () => cmLoad()),
  })

  // Redis as cacheable's only store: with its default in-memory primary in front, every hit
  // would be a memory hit and this table would not measure Redis at all.
  const cacheable = new Cacheable({ primary: keyvOn(DB.cacheable) })
  const cacheableLoad = countingLoader(VALUE)
  arms.push({
    name: 'cacheable getOrSet',
    role: 'anchor',
    loader: cacheableLoad,
    op: (worker) => cacheable.getOrSet(keyOf(worker), () => cacheableLoad()),
  })

  // A Keyv instance already has the get/set/delete that cachified's Cache interface asks for.
  const cachifiedCache: Keyv<CacheEntry> = keyvOn(DB.cachified)
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

  let db: number = DB.garner
  arms.push(...garnerHitArms(() => createGarner({ store: keyvOn(db++) })))

  return {
    arms,
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.disconnect()))
    },
  }
}
