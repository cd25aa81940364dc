// A demo started in this process for a test: a fresh SQLite file in a temporary directory, and a
// private redis-server when the store is Redis. Shared by the end-to-end and fault suites.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RedisServer, startRedisServer } from '@garner/fixtures'
import type { Framework } from '../src/config.js'
import { type Demo, startDemo } from '../src/server.js'

/** A demo in this process, on a fresh database, with a private Redis when `store` is redis. */
export interface TestDemo {
  readonly demo: Demo
  readonly url: string
  readonly redis: RedisServer | undefined
  close(): Promise<void>
}

export async function startTestDemo(
  framework: Framework,
  store: 'memory' | 'redis',
  options: { databaseLatencyMs?: number; cacheMaxEntries?: number } = {},
): Promise<TestDemo> {
  const directory = await mkdtemp(join(tmpdir(), 'garner-demo-'))
  const redis = store === 'redis' ? await startRedisServer() : undefined
  const demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    framework,
    redisUrl: redis?.url,
    databaseFile: join(directory, 'demo.db'),
    kvTtlSeconds: 300,
    databaseLatencyMs: options.databaseLatencyMs ?? 0,
    cacheMaxEntries: options.cacheMaxEntries,
  })
  return {
    demo,
    url: demo.url,
    redis,
    async close() {
      await demo.close()
      await redis?.stop()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
