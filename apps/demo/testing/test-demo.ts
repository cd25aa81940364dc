// A demo started in this process for a test: a fresh SQLite file in a temporary directory (or a
// private PostgreSQL server), and a private redis-server when the store is Redis. Shared by the
// end-to-end and fault suites.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type PostgresServer,
  type RedisServer,
  startPostgresServer,
  startRedisServer,
} from '@garner/fixtures'
import type { DemoConfig, Framework } from '../src/config.js'
import type { DatabaseTarget } from '../src/database.js'
import { type Demo, startDemo } from '../src/server.js'

/** A demo in this process, on a fresh database, with a private Redis when `store` is redis. */
export interface TestDemo {
  readonly demo: Demo
  readonly url: string
  readonly redis: RedisServer | undefined
  /** The demo's PostgreSQL server, when it runs on PostgreSQL. */
  readonly postgres: PostgresServer | undefined
  close(): Promise<void>
}

export interface TestDemoOptions {
  readonly databaseLatencyMs?: number
  readonly cacheMaxEntries?: number
  /** Default SQLite. */
  readonly database?: DatabaseTarget['kind']
  readonly feed?: DemoConfig['feed']
  readonly loaderBackoff?: DemoConfig['loaderBackoff']
  readonly faultRoutes?: boolean
  /** Garner's store timeout (ms); default Garner's. */
  readonly storeTimeout?: number
  /** Varnish in front of the demo, which its Garner purges (the edge suite). */
  readonly varnishUrl?: string
}

export async function startTestDemo(
  framework: Framework,
  store: 'memory' | 'redis',
  options: TestDemoOptions = {},
): Promise<TestDemo> {
  const directory = await mkdtemp(join(tmpdir(), 'garner-demo-'))
  const [redis, postgres] = await Promise.all([
    store === 'redis' ? startRedisServer() : undefined,
    options.database === 'postgresql' ? startPostgresServer() : undefined,
  ])
  const stopServers = async () => {
    await Promise.all([redis?.stop(), postgres?.stop()])
    await rm(directory, { recursive: true, force: true })
  }
  // A demo that fails to start must not leave its servers running.
  const demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    framework,
    redisUrl: redis?.url,
    database:
      postgres === undefined
        ? { kind: 'sqlite', file: join(directory, 'demo.db') }
        : { kind: 'postgresql', url: postgres.url },
    kvTtlSeconds: 300,
    databaseLatencyMs: options.databaseLatencyMs ?? 0,
    cacheMaxEntries: options.cacheMaxEntries,
    feed: options.feed,
    loaderBackoff: options.loaderBackoff,
    storeTimeout: options.storeTimeout,
    faultRoutes: options.faultRoutes,
    varnishUrl: options.varnishUrl,
  }).catch(async (error: unknown) => {
    await stopServers()
    throw error
  })
  return {
    demo,
    url: demo.url,
    redis,
    postgres,
    async close() {
      await demo.close()
      await stopServers()
    },
  }
}
