// A fresh database for one test, with the test schema's migrations applied without the migration
// engine (`prisma migrate` needs the schema engine binary, which these machines cannot download;
// the SQL files keep Prisma's migrations folder layout, one folder per provider):
// - SQLite: a new file, migrated through the libSQL driver adapter;
// - PostgreSQL: a new database on the test run's server (see postgres-setup.ts), copied from a
//   template database migrated once, so a test costs one CREATE DATABASE.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { PrismaPg } from '@prisma/adapter-pg'
import { inject } from 'vitest'
import { migrationScripts, onDatabase } from './migrations.js'

/** The databases every @garner/prisma test runs on. */
export const DATABASE_KINDS = ['sqlite', 'postgresql'] as const
export type DatabaseKind = (typeof DATABASE_KINDS)[number]

/** A migrated database; `remove()` deletes it. */
export interface TestDatabase {
  readonly kind: DatabaseKind
  /** `file:` URL (SQLite) or `postgresql:` URL. */
  readonly url: string
  /** A new driver adapter for Prisma Client on this database. */
  adapter(): PrismaLibSql | PrismaPg
  /** The `n`th (from 1) parameter placeholder of this database's SQL: `?` or `$n`. */
  placeholder(n: number): string
  remove(): Promise<void>
}

export async function createTestDatabase(kind: DatabaseKind = 'sqlite'): Promise<TestDatabase> {
  return kind === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase()
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'garner-prisma-'))
  const url = `file:${join(dir, 'test.db')}`
  const adapter = await new PrismaLibSql({ url }).connect()
  try {
    for (const script of await migrationScripts('sqlite')) await adapter.executeScript(script)
  } finally {
    await adapter.dispose()
  }
  return {
    kind: 'sqlite',
    url,
    adapter: () => new PrismaLibSql({ url }),
    placeholder: () => '?',
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

let databases = 0

async function createPostgresDatabase(): Promise<TestDatabase> {
  const server = inject('postgresUrl')
  const name = `garner_test_${process.pid}_${++databases}`
  await onDatabase(server, (client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('postgresTemplate')}"`),
  )
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    kind: 'postgresql',
    url: url.href,
    adapter: () => new PrismaPg({ connectionString: url.href }),
    placeholder: (n) => `$${n}`,
    // FORCE: a connection a test left open must not keep its database around.
    async remove() {
      await onDatabase(server, (client) => client.query(`DROP DATABASE "${name}" WITH (FORCE)`))
    },
  }
}
