// The demo's database through Prisma, SQLite or PostgreSQL: created, migrated and seeded on first
// start, and extended with @garner/prisma so that every write invalidates what it touched.
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Garner } from '@garner/core'
import { garnerExtension } from '@garner/prisma'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { PrismaPg } from '@prisma/adapter-pg'
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors.js'
import { type DatabaseFaults, DatabaseUnavailable, databaseFaults } from './faults.js'
import { garnerSchema } from './generated/garner/schema.js'
import { garnerSchema as postgresGarnerSchema } from './generated/postgresql/garner/schema.js'
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/prisma/client.js'
import { PrismaClient } from './generated/prisma/client.js'
import { seed } from './seed.js'

/** Where the data lives: a SQLite file, or a PostgreSQL database. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgresql'; readonly url: string }

/** Prisma Client extended with Garner's invalidation. */
export type DemoPrisma = ReturnType<typeof extendedClient>

const MIGRATIONS = {
  sqlite: new URL('../prisma/migrations/', import.meta.url),
  postgresql: new URL('../prisma/postgresql/migrations/', import.meta.url),
} as const

const READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
])

// An unreachable server answers every request with a 503 quickly instead of holding it.
const POSTGRES_CONNECT_TIMEOUT_MS = 2_000

function extendedClient(
  target: DatabaseTarget,
  garner: Garner,
  latencyMs: number,
  faults: DatabaseFaults,
) {
  // Both clients are generated from one schema (scripts/prisma-generate.mjs), so the PostgreSQL
  // client has the SQLite client's model API.
  const client =
    target.kind === 'sqlite'
      ? new PrismaClient({ adapter: new PrismaLibSql({ url: `file:${target.file}` }) })
      : (new PostgresPrismaClient({
          adapter: new PrismaPg(
            {
              connectionString: target.url,
              connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
            },
            // A server restart breaks idle pooled connections: the pool drops them and opens new
            // ones; nothing else needs to happen.
            { onPoolError: () => {}, onConnectionError: () => {} },
          ),
        }) as unknown as PrismaClient)
  return client
    .$extends({
      name: 'demo-database',
      query: {
        async $allOperations({ operation, args, query }) {
          // Fault injection (the feed's freshness demo): an outage, or a slow database.
          if (faults.down) {
            faults.refused += 1
            throw new DatabaseUnavailable()
          }
          if (faults.delayMs > 0)
            await new Promise((resolve) => setTimeout(resolve, faults.delayMs))
          let result: unknown
          try {
            result = await query(args)
          } catch (error) {
            // A database that cannot be reached is not the request's fault: the routes answer 503.
            if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError(error)
            throw error
          }
          // Fault injection only (DEMO_DB_LATENCY_MS): a slow database, whose answers to reads
          // arrive late, after the data was read.
          if (latencyMs > 0 && READS.has(operation)) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * latencyMs))
          }
          return result
        },
      },
    })
    .$extends(
      garnerExtension(garner, {
        schema: target.kind === 'sqlite' ? garnerSchema : postgresGarnerSchema,
      }),
    )
}

/** An open database: the extended client, whether it was just created, and how to close it. */
export interface Database {
  readonly prisma: DemoPrisma
  readonly created: boolean
  /** The injected faults, changed in place (DEMO_DB_DOWN, DEMO_DB_DELAY_MS, PUT /admin/database). */
  readonly faults: DatabaseFaults
  close(): Promise<void>
}

/**
 * Opens the database. One that has no tables yet (a SQLite file that does not exist, an empty
 * PostgreSQL database) is migrated and seeded first.
 */
export async function openDatabase(
  target: DatabaseTarget,
  garner: Garner,
  latencyMs = 0,
  faults: DatabaseFaults = databaseFaults(),
): Promise<Database> {
  const created =
    target.kind === 'sqlite'
      ? await migrateSqliteIfNew(target.file)
      : await migratePostgresIfNew(target.url)
  const prisma = extendedClient(target, garner, latencyMs, faults)
  // Seeding runs whatever the fault switch says; the outage starts once the demo is up.
  const down = faults.down
  faults.down = false
  if (created) await seed(prisma)
  faults.down = down
  return { prisma, created, faults, close: () => prisma.$disconnect() }
}

async function migrateSqliteIfNew(file: string): Promise<boolean> {
  if (!existsSync(file)) await mkdir(dirname(file), { recursive: true })
  const adapter = await new PrismaLibSql({ url: `file:${file}` }).connect()
  try {
    const tables = await adapter.queryRaw({
      sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'User'`,
      args: [],
      argTypes: [],
    })
    if (tables.rows.length > 0) return false
    for (const script of await migrationScripts('sqlite')) await adapter.executeScript(script)
    return true
  } finally {
    await adapter.dispose()
  }
}

// Two demo processes may start on one empty database: an advisory lock lets one of them migrate
// (in a transaction), and the other then finds the tables.
const MIGRATION_LOCK = 7_146_172

async function migratePostgresIfNew(url: string): Promise<boolean> {
  const adapter = await new PrismaPg({ connectionString: url }).connect()
  const query = (sql: string) => adapter.queryRaw({ sql, args: [], argTypes: [] })
  try {
    // executeScript: the lock functions return void, a type queryRaw refuses.
    await adapter.executeScript(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`)
    try {
      const tables = await query(`SELECT to_regclass('"User"') IS NOT NULL AS present`)
      if (tables.rows[0]?.[0] === true) return false
      const scripts = await migrationScripts('postgresql')
      await adapter.executeScript(`BEGIN;\n${scripts.join('\n')}\nCOMMIT;`)
      return true
    } finally {
      await adapter.executeScript(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`)
    }
  } finally {
    await adapter.dispose()
  }
}

// Migration folders are named by timestamp, so their names sort in the order they apply.
async function migrationScripts(kind: DatabaseTarget['kind']): Promise<string[]> {
  const folder = MIGRATIONS[kind]
  const entries = await readdir(folder, { withFileTypes: true })
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  return Promise.all(
    names.map((name) => readFile(new URL(`${name}/migration.sql`, folder), 'utf8')),
  )
}
