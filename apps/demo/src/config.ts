// The demo's settings, read once from the environment, with the embedded defaults.
import { resolve } from 'node:path'
import { DEFAULT_MAX_ENTRIES, type FreshnessOptions, type LoaderBackoffOptions } from '@garner/core'
import { FRAMEWORKS, type Framework } from './apps/index.js'
import type { DatabaseTarget } from './database.js'

export type { Framework }

export interface DemoConfig {
  /** Port to listen on; 0 picks a free one (tests). */
  readonly port: number
  readonly host: string
  readonly framework: Framework
  /** Redis for the cache and the key-value routes; in-process stores when absent. */
  readonly redisUrl: string | undefined
  /**
   * The database: a SQLite file (created, migrated and seeded when it does not exist) or a
   * PostgreSQL database (migrated and seeded when it has no tables).
   */
  readonly database: DatabaseTarget
  /**
   * Root nodes of a Redis Cluster (REDIS_CLUSTER, comma-separated `redis://host:port` URLs) for
   * the cache and the key-value routes; takes precedence over `redisUrl`.
   */
  readonly redisCluster?: readonly string[] | undefined
  /** Default time to live of `/kv` entries, in seconds. */
  readonly kvTtlSeconds: number
  /**
   * Fault injection: each database read waits a random 0 to this many milliseconds first (a slow
   * database), so that tests can widen the window in which writes race cached reads. Default 0.
   */
  readonly databaseLatencyMs?: number
  /** Most entries of the in-process cache store (without Redis). Default 10,000. */
  readonly cacheMaxEntries?: number
  /** Garner's near cache in front of Redis (with REDIS_URL; NEAR_CACHE=0 turns it off). Default on. */
  readonly nearCache?: boolean
  /** Fault injection: the database starts down (DEMO_DB_DOWN=1). Default false. */
  readonly databaseDown?: boolean
  /** Fault injection: every database operation waits this many ms first (DEMO_DB_DELAY_MS). */
  readonly databaseDelayMs?: number
  /** Serves GET and PUT /admin/database, the fault switch (DEMO_FAULTS=1). Default false. */
  readonly faultRoutes?: boolean
  /** The freshness policies of GET /feed. Default {@link FEED_FRESHNESS}. */
  readonly feed?: FeedFreshness
  /** The loader backoff of the demo's Garner. Default {@link LOADER_BACKOFF}. */
  readonly loaderBackoff?: LoaderBackoffOptions
  /** How long a store call may take (ms). Default Garner's, 500 ms. */
  readonly storeTimeout?: number
  /**
   * Varnish in front of the demo (`pnpm demo:edge`): every invalidation purges it by surrogate
   * key, and public responses carry `xkey` and `s-maxage`.
   */
  readonly varnishUrl?: string | undefined
}

/** The freshness of the feed: a `ttl` and the freshness policies. */
export type FeedFreshness = FreshnessOptions & { readonly ttl: number }

/**
 * GET /feed is fresh for 5 s, then answered at once for 30 s while one refresh runs, and for an
 * hour while the database fails or takes more than a second.
 */
export const FEED_FRESHNESS: FeedFreshness = {
  ttl: 5_000,
  staleWhileRevalidate: 30_000,
  staleIfError: 3_600_000,
  loaderTimeout: 1_000,
}

/** While the database is down the feed's loader is tried after 250 ms, then 500 ms … up to 5 s. */
export const LOADER_BACKOFF: LoaderBackoffOptions = { min: 250, max: 5_000 }

/** Default database file, relative to the directory the demo is started from. */
export const DEFAULT_DATABASE_URL = 'file:./data/demo.db'

/** Reads the configuration; throws an Error that says which variable is wrong and how. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const name = env.DEMO_FRAMEWORK ?? 'hono'
  const framework = FRAMEWORKS.find((known) => known === name)
  if (framework === undefined) {
    const names = FRAMEWORKS.map((known) => `"${known}"`).join(', ')
    throw new Error(`DEMO_FRAMEWORK must be one of ${names}; got "${name}".`)
  }
  const database = databaseTarget(env.DATABASE_URL || DEFAULT_DATABASE_URL)
  return {
    port: integer(env.PORT, 3000, 'PORT', 0, 65_535),
    host: env.HOST ?? '127.0.0.1',
    framework,
    redisUrl: env.REDIS_URL === '' ? undefined : env.REDIS_URL,
    nearCache: env.NEAR_CACHE !== '0',
    database,
    redisCluster: clusterUrls(env.REDIS_CLUSTER),
    kvTtlSeconds: integer(env.KV_TTL, 300, 'KV_TTL', 1, 365 * 24 * 3600),
    databaseLatencyMs: integer(env.DEMO_DB_LATENCY_MS, 0, 'DEMO_DB_LATENCY_MS', 0, 10_000),
    varnishUrl: env.VARNISH_URL === '' ? undefined : env.VARNISH_URL,
    cacheMaxEntries: integer(
      env.CACHE_MAX_ENTRIES,
      DEFAULT_MAX_ENTRIES,
      'CACHE_MAX_ENTRIES',
      1,
      10_000_000,
    ),
    databaseDown: flag(env.DEMO_DB_DOWN, 'DEMO_DB_DOWN'),
    databaseDelayMs: integer(env.DEMO_DB_DELAY_MS, 0, 'DEMO_DB_DELAY_MS', 0, 60_000),
    faultRoutes: flag(env.DEMO_FAULTS, 'DEMO_FAULTS'),
  }
}

function clusterUrls(raw: string | undefined): readonly string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  const urls = raw.split(',').map((url) => url.trim())
  for (const url of urls) {
    if (!/^rediss?:\/\/[^/\s]+:\d+\/?$/.test(url)) {
      throw new Error(
        `REDIS_CLUSTER must be comma-separated node URLs like "redis://10.0.0.1:6379,redis://10.0.0.2:6379"; got "${url}".`,
      )
    }
  }
  return urls
}

function databaseTarget(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\/./.test(url)) return { kind: 'postgresql', url }
  if (url.startsWith('file:') && url.length > 'file:'.length) {
    return { kind: 'sqlite', file: resolve(url.slice('file:'.length)) }
  }
  throw new Error(
    'DATABASE_URL must be a SQLite file URL like "file:./data/demo.db" or a PostgreSQL URL like ' +
      `"postgresql://user@localhost:5432/garner_demo"; got "${url}".`,
  )
}

function flag(raw: string | undefined, name: string): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false
  if (raw === '1') return true
  throw new Error(`${name} must be 1 (on) or 0 (off); got "${raw}".`)
}

function integer(
  raw: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`)
  }
  return value
}
