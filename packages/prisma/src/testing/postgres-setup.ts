// vitest globalSetup: one PostgreSQL server for the whole test run (initdb once), with the test
// schema migrated once into a template database that every test copies (database.ts). With
// POSTGRES_URL set, that server is used instead (its user needs CREATEDB).

// The launcher alone (not the package entry): a globalSetup loads it outside vite's source condition.
import { startPostgresServer } from '@garner/fixtures/postgres'
import type { TestProject } from 'vitest/node'
import { migratePostgres, onDatabase } from './migrations.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server's maintenance database URL (`…/postgres`). */
    postgresUrl: string
    /** The migrated database that tests copy. */
    postgresTemplate: string
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = process.env.POSTGRES_URL
  const server = shared === undefined || shared === '' ? await startPostgresServer() : undefined
  const url = server?.url ?? shared!
  const template = `garner_template_${process.pid}`
  await onDatabase(url, (client) => client.query(`CREATE DATABASE "${template}"`))
  const templateUrl = new URL(url)
  templateUrl.pathname = `/${template}`
  await migratePostgres(templateUrl.href)
  project.provide('postgresUrl', url)
  project.provide('postgresTemplate', template)
  return async () => {
    if (server !== undefined) return server.stop()
    await onDatabase(url, (client) => client.query(`DROP DATABASE "${template}" WITH (FORCE)`))
  }
}
