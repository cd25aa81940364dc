// The test schema's migrations, applied without the migration engine: SQL files in Prisma's
// migrations folder layout, one folder per provider (prisma/migrations for SQLite,
// prisma/postgresql/migrations for PostgreSQL).
import { readdir, readFile } from 'node:fs/promises'
import pg from 'pg'

const MIGRATIONS = {
  sqlite: new URL('../../prisma/migrations/', import.meta.url),
  postgresql: new URL('../../prisma/postgresql/migrations/', import.meta.url),
} as const

/** The migration scripts of a provider, in the order they apply. */
export async function migrationScripts(provider: keyof typeof MIGRATIONS): Promise<string[]> {
  const folder = MIGRATIONS[provider]
  const entries = await readdir(folder, { withFileTypes: true })
  // Migration folders are named by timestamp, so their names sort in the order they apply.
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  return Promise.all(
    names.sort().map((name) => readFile(new URL(`${name}/migration.sql`, folder), 'utf8')),
  )
}

/** Applies the PostgreSQL migrations to the (empty) database at `url`. */
export async function migratePostgres(url: string): Promise<void> {
  await onDatabase(url, async (client) => {
    // A script of many statements runs as one simple query.
    for (const script of await migrationScripts('postgresql')) await client.query(script)
  })
}

/** Runs `use` on a fresh connection to `url`, closed afterwards. */
export async function onDatabase<T>(
  url: string,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}
