// Starts the demo: the cache (in process, or Redis with REDIS_URL), the database, the key-value
// store and the HTTP server of the chosen framework.
import type { AddressInfo } from 'node:net'
import { createGarner, type Garner, type MemoryStore, memoryStore } from '@garner/core'
import { serve } from '@hono/node-server'
import { createKeyv } from '@keyv/redis'
import type { DemoConfig } from './config.js'
import { type Database, openDatabase } from './database.js'
import { expressApp } from './http/express.js'
import { honoApp } from './http/hono.js'
import { kvService } from './kv/kv-service.js'
import type { KvStore } from './kv/kv-store.js'
import { memoryKv } from './kv/memory-kv.js'
import { redisKv } from './kv/redis-kv.js'
import { demoRoutes } from './routes.js'
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
  const keyv = config.redisUrl === undefined ? undefined : createKeyv(config.redisUrl)
  const memory =
    keyv === undefined ? memoryStore({ maxEntries: config.cacheMaxEntries }) : undefined
  const garner = createGarner({ store: keyv ?? memory })
  const stats = trackStats(garner)
  const database = await openDatabase(config.databaseFile, garner, config.databaseLatencyMs)
  const kvStore: KvStore =
    config.redisUrl === undefined ? memoryKv() : await redisKv(config.redisUrl)
  const routes = demoRoutes({
    garner,
    prisma: database.prisma,
    kv: kvService(kvStore, config.kvTtlSeconds),
    stats,
    framework: config.framework,
    store: config.redisUrl === undefined ? 'memory' : 'redis',
  })

  const server =
    config.framework === 'hono'
      ? serve({ fetch: honoApp(garner, routes).fetch, port: config.port, hostname: config.host })
      : expressApp(garner, routes).listen(config.port, config.host)
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve()
    server.once('listening', () => resolve())
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo

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
      await kvStore.close()
      await database.close()
      await (
        keyv?.store as { disconnect?: (force?: boolean) => Promise<void> } | undefined
      )?.disconnect?.(true)
    },
  }
}
