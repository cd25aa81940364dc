// Starts the demo: the cache (in process, or Redis with REDIS_URL), the database, the key-value
// store, and the app of the chosen framework (src/apps/) on an HTTP server.
import type { AddressInfo } from 'node:net'
import { varnishPurger } from '@garner/cdn'
import { createGarner, type Garner, type MemoryStore, memoryStore } from '@garner/core'
import KeyvRedis, { createKeyv } from '@keyv/redis'
import { Keyv } from 'keyv'
import { APPS } from './apps/index.js'
import { callerLookup } from './caller.js'
import { type DemoConfig, FEED_FRESHNESS, LOADER_BACKOFF } from './config.js'
import { demoData } from './data.js'
import { type Database, openDatabase } from './database.js'
import { databaseFaults } from './faults.js'
import { kvService } from './kv/kv-service.js'
import type { KvStore } from './kv/kv-store.js'
import { memoryKv } from './kv/memory-kv.js'
import { redisKv } from './kv/redis-kv.js'
import { serveObservability, startObservability } from './observability.js'
import { type CacheStats, trackStats } from './stats.js'

/** A running demo. */
export interface Demo {
  readonly url: string
  readonly config: DemoConfig
  readonly garner: Garner
  readonly database: Database
  readonly stats: CacheStats
  /** The in-process cache store, when the demo runs without Redis. */
  readonly memoryStore: MemoryStore | undefined
  close(): Promise<void>
}

export async function startDemo(config: DemoConfig): Promise<Demo> {
  const cluster = config.redisCluster
  const keyv =
    cluster !== undefined
      ? new Keyv(new KeyvRedis({ rootNodes: cluster.map((url) => ({ url })) }), {
          useKeyPrefix: false,
        })
      : config.redisUrl === undefined
        ? undefined
        : createKeyv(config.redisUrl)
  const memory =
    keyv === undefined ? memoryStore({ maxEntries: config.cacheMaxEntries }) : undefined
  // On Redis (one server or a cluster), hits come from each process's near cache, which Redis
  // keeps coherent. On a cluster, an invalidation resolves once a replica holds it: a master that
  // dies right after cannot take it along.
  const garner = createGarner({
    store: keyv ?? memory,
    nearCache: keyv !== undefined && config.nearCache !== false,
    ...(cluster === undefined ? {} : { invalidation: { replicas: 1, timeout: 100 } }),
    loaderBackoff: config.loaderBackoff ?? LOADER_BACKOFF,
    ...(config.storeTimeout === undefined ? {} : { storeTimeout: config.storeTimeout }),
    purgers: config.varnishUrl === undefined ? [] : [varnishPurger({ url: config.varnishUrl })],
  })
  const stats = trackStats(garner)
  const observability = startObservability(garner)
  const faults = databaseFaults({ down: config.databaseDown, delayMs: config.databaseDelayMs })
  const database = await openDatabase(config.database, garner, config.databaseLatencyMs, faults)
  const kvStore: KvStore =
    cluster !== undefined
      ? await redisKv({ rootNodes: cluster })
      : config.redisUrl === undefined
        ? memoryKv()
        : await redisKv({ url: config.redisUrl })

  // DEMO_FRAMEWORK picks the app; every app shares the data access, the /kv layer and the stats.
  const serveApp = APPS[config.framework]
  const server = await serveApp(
    {
      garner,
      data: demoData(database.prisma, garner),
      findCaller: callerLookup(garner, database.prisma),
      kv: kvService(kvStore, config.kvTtlSeconds),
      stats,
      store: keyv === undefined ? 'memory' : 'redis',
      feed: config.feed ?? FEED_FRESHNESS,
      faults: config.faultRoutes === true ? database.faults : undefined,
    },
    { port: config.port, host: config.host },
  )
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve()
    server.once('listening', () => resolve())
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  serveObservability(server, observability)

  return {
    url: `http://${config.host}:${port}`,
    config,
    garner,
    database,
    stats,
    memoryStore: memory,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Idle keep-alive connections would hold close() open.
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      })
      await observability.close()
      await kvStore.close()
      await database.close()
      await garner.close()
      await (
        keyv?.store as { disconnect?: (force?: boolean) => Promise<void> } | undefined
      )?.disconnect?.(true)
    },
  }
}
