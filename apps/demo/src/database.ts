// The demo's SQLite database through Prisma: created, migrated and seeded on first start, and
// extended with @garner/prisma so that every write invalidates what it touched.
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Garner } from '@garner/core'
import { garnerExtension } from '@garner/prisma'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { garnerSchema } from './generated/garner/schema.js'
import { PrismaClient } from './generated/prisma/client.js'
import { seed } from './seed.js'

const MIGRATIONS = new URL('../prisma/migrations/', import.meta.url)

/** Prisma Client extended with Garner's invalidation. */
export type DemoPrisma = ReturnType<typeof extendedClient>

const READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
])

function extendedClient(url: string, garner: Garner, latencyMs: number) {
  return new PrismaClient({ adapter: new PrismaLibSql({ url }) })
    .$extends({
      name: 'demo-latency',
      query: {
        async $allOperations({ operation, args, query }) {
          const result = await query(args)
          // Fault injection only (DEMO_DB_LATENCY_MS): a slow database, whose answers to reads
          // arrive late, after the data was read.
          if (latencyMs > 0 && READS.has(operation)) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * latencyMs))
          }
          return result
        },
      },
    })
    .$extends(garnerExtension(garner, { schema: garnerSchema }))
}

/** An open database: the extended client, whether it was just created, and how to close it. */
export interface Database {
  readonly prisma: DemoPrisma
  readonly created: boolean
  close(): Promise<void>
}

/**
 * Opens the SQLite file at `file`. A file that does not exist yet (or has no tables) is
 * created, migrated and seeded first.
 */
export async function openDatabase(file: string, garner: Garner, latencyMs = 0): Promise<Database> {
  const url = `file:${file}`
  const created = await migrateIfNew(file, url)
  const prisma = extendedClient(url, garner, latencyMs)
  if (created) await seed(prisma)
  return { prisma, created, close: () => prisma.$disconnect() }
}

async function migrateIfNew(file: string, url: string): Promise<boolean> {
  if (!existsSync(file)) await mkdir(dirname(file), { recursive: true })
  const adapter = await new PrismaLibSql({ url }).connect()
  try {
    const tables = await adapter.queryRaw({
      sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'User'`,
      args: [],
      argTypes: [],
    })
    if (tables.rows.length > 0) return false
    for (const script of await migrationScripts()) await adapter.executeScript(script)
    return true
  } finally {
    await adapter.dispose()
  }
}

// Migration folders are named by timestamp, so their names sort in the order they apply.
async function migrationScripts(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS, { withFileTypes: true })
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  return Promise.all(
    folders.map((folder) => readFile(new URL(`${folder}/migration.sql`, MIGRATIONS), 'utf8')),
  )
}
