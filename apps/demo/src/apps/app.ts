// What every app of the demo is given (the parts all frameworks share) and how it is served.
import type { Server } from 'node:http'
import type { Garner } from '@garner/core'
import type { FindCaller } from '../caller.js'
import type { FeedFreshness } from '../config.js'
import type { DemoData } from '../data.js'
import type { DatabaseFaults } from '../faults.js'
import type { KvService } from '../kv/kv-service.js'
import type { CacheStats } from '../stats.js'

/** The shared parts of the demo, built once by server.ts. */
export interface AppDeps {
  readonly garner: Garner
  /** The reads and writes of the routes, through the Garner-extended Prisma client. */
  readonly data: DemoData
  readonly findCaller: FindCaller
  /** The /kv routes' behaviour. */
  readonly kv: KvService
  readonly stats: CacheStats
  /** Which cache store runs, for GET /health. */
  readonly store: 'memory' | 'redis'
  /** The freshness policies of GET /feed, the route that shows them. */
  readonly feed: FeedFreshness
  /** The database fault switch, served at /admin/database when DEMO_FAULTS=1. */
  readonly faults: DatabaseFaults | undefined
}

/** Where an app listens. */
export interface Address {
  /** 0 picks a free port (tests). */
  readonly port: number
  readonly host: string
}

/** Builds an app and starts it on a Node HTTP server; server.ts waits for it to listen. */
export type ServeApp = (deps: AppDeps, address: Address) => Server | Promise<Server>

/** Largest accepted request body; the apps answer 413 past it. */
export const MAX_BODY_BYTES = 1024 * 1024
