// Section 3b: a stampede. 1,000 concurrent fetches of one key that is not cached yet, with a
// loader that takes a while (as a database query does): how many times does the loader run?
import { isDeepStrictEqual } from 'node:util'
import { type CacheEntry, cachified } from '@epic-web/cachified'
import { createGarner } from '@garner/core'
import { createKeyv } from '@keyv/redis'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache } from 'cache-manager'
import { Cacheable } from 'cacheable'
import type Keyv from 'keyv'
import type { ArmRole } from './arms.js'
import { type CountingLoader, countingLoader, VALUE } from './fixture.js'
import { databaseUrl } from './redis-server.js'

export const STAMPEDE_CALLERS = 1_000
/** How long the loader takes, ms: long enough that every caller arrives while it runs. */
export const LOADER_MS = 50

export interface StampedeResult {
  readonly name: string
  readonly store: 'memory' | 'Redis'
  readonly role: ArmRole
  readonly loaderCalls: number
  /** Callers that got something other than the loader's value. */
  readonly wrongValues: number
  /** From the first call to the last answer, ms. */
  readonly elapsedMs: number
}

interface Contender {
  readonly name: string
  readonly store: 'memory' | 'Redis'
  readonly role: ArmRole
  /** Starts one fetch of the stampeded key through `load`. */
  readonly fetch: (load: CountingLoader<unknown>) => Promise<unknown>
}

/** Runs every stampede: on memory, and on Redis when `url` (a Redis URL) is given. */
export async function runStampedes(url: string | undefined): Promise<StampedeResult[]> {
  const closers: (() => Promise<unknown>)[] = []
  const contenders: Contender[] = []
  try {
    contenders.push(...memoryContenders(closers))
    if (url !== undefined) contenders.push(...redisContenders(url, closers))
    const results: StampedeResult[] = []
    for (const contender of contenders) results.push(await stampede(contender))
    return results
  } finally {
    await Promise.allSettled(closers.map((close) => close()))
  }
}

async function stampede(contender: Contender): Promise<StampedeResult> {
  const load = countingLoader<unknown>(VALUE, LOADER_MS)
  const start = performance.now()
  const values = await Promise.all(
    Array.from({ length: STAMPEDE_CALLERS }, () => contender.fetch(load)),
  )
  const elapsedMs = performance.now() - start
  return {
    name: contender.name,
    store: contender.store,
    role: contender.role,
    loaderCalls: load.calls,
    wrongValues: values.filter((value) => !isDeepStrictEqual(value, VALUE)).length,
    elapsedMs,
  }
}

function memoryContenders(closers: (() => Promise<unknown>)[]): Contender[] {
  const garner = createGarner()
  const cacheManager = createCache()
  closers.push(() => cacheManager.disconnect())
  const cacheable = new Cacheable()
  const bento = new BentoCache({
    default: 'memory',
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) },
  })
  closers.push(() => bento.disconnectAll())
  const cachifiedCache = new Map<string, CacheEntry>()
  return [
    {
      name: 'garner.fetch, 1 binding',
      store: 'memory',
      role: 'garner',
      fetch: (load) => garner.fetch('stampede', () => load(), { bind: ['User', 42] }),
    },
    {
      name: 'cache-manager wrap',
      store: 'memory',
      role: 'anchor',
      fetch: (load) => cacheManager.wrap('stampede', () => load()),
    },
    {
      name: 'cacheable getOrSet',
      store: 'memory',
      role: 'anchor',
      fetch: (load) => cacheable.getOrSet('stampede', () => load()),
    },
    {
      name: 'bentocache getOrSet',
      store: 'memory',
      role: 'anchor',
      fetch: (load) => bento.getOrSet({ key: 'stampede', factory: () => load() }),
    },
    {
      name: 'cachified',
      store: 'memory',
      role: 'anchor',
      fetch: (load) =>
        cachified({ cache: cachifiedCache, key: 'stampede', getFreshValue: () => load() }),
    },
  ]
}

/** Logical database of the Redis stampedes; each contender uses its own key. */
const DB = 13

function redisContenders(url: string, closers: (() => Promise<unknown>)[]): Contender[] {
  const keyv = (): Keyv => {
    const client = createKeyv(databaseUrl(url, DB))
    closers.push(() => client.disconnect())
    return client
  }
  const garner = createGarner({ store: keyv() })
  const cacheManager = createCache({ stores: [keyv()] })
  const cacheable = new Cacheable({ primary: keyv() })
  const cachifiedCache: Keyv<CacheEntry> = keyv()
  return [
    {
      // The bindings have no tokens yet either: the first fetch also writes them.
      name: 'garner.fetch, 3 new bindings',
      store: 'Redis',
      role: 'garner',
      fetch: (load) =>
        garner.fetch('stampede:3', () => load(), { bind: [['User', 42], ['Post', 7], 'Tag'] }),
    },
    {
      name: 'garner.fetch, 1 binding',
      store: 'Redis',
      role: 'garner',
      fetch: (load) => garner.fetch('stampede:1', () => load(), { bind: ['User', 42] }),
    },
    {
      name: 'cache-manager wrap',
      store: 'Redis',
      role: 'anchor',
      fetch: (load) => cacheManager.wrap('stampede:cm', () => load()),
    },
    {
      name: 'cacheable getOrSet',
      store: 'Redis',
      role: 'anchor',
      fetch: (load) => cacheable.getOrSet('stampede:cacheable', () => load()),
    },
    {
      name: 'cachified',
      store: 'Redis',
      role: 'anchor',
      fetch: (load) =>
        cachified({
          cache: cachifiedCache,
          key: 'stampede:cachified',
          getFreshValue: () => load(),
        }),
    },
  ]
}
