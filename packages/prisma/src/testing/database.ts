// A fresh SQLite database file for one test, with the test schema's migrations applied through the
// libSQL driver adapter (`prisma migrate` needs the schema engine binary, which these machines
// cannot download; the SQL files keep Prisma's migrations folder layout).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrismaLibSql } from '@prisma/adapter-libsql'

const MIGRATIONS = new URL('../../prisma/migrations/', import.meta.url)

/** A migrated database file; `remove()` deletes it. */
export interface TestDatabase {
  /** `file:` URL for `new PrismaLibSql({ url })`. */
  readonly url: string
  remove(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'garner-prisma-'))
  const url = `file:${join(dir, 'test.db')}`
  const adapter = await new PrismaLibSql({ url }).connect()
  try {
    for (const script of await migrationScripts()) await adapter.executeScript(script)
  } finally {
    await adapter.dispose()
  }
  return { url, remove: () => rm(dir, { recursive: true, force: true }) }
}

// Migration folders are named by timestamp, so their names sort in the order they apply.
async function migrationScripts(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS, { withFileTypes: true })
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  return Promise.all(
    folders
      .sort()
      .map((folder) => readFile(new URL(`${folder}/migration.sql`, MIGRATIONS), 'utf8')),
  )
}
