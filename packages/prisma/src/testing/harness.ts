// One set of tests, run on both databases (SQLite through libSQL, PostgreSQL through node-postgres)
// and their stores (describeWithStores: SQLite on both stores, PostgreSQL on Redis): each test
// gets a fresh migrated database, a Prisma Client extended with garnerExtension, and a fresh
// Garner. `watch` caches values with real garner.fetch calls bound to rows and reports which ones
// went stale, by counting loader runs.
import type { Bindings, Garner } from '@garner/core'
import { counter } from '@garner/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { type GarnerExtensionOptions, garnerExtension } from '../index.js'
import {
  createTestDatabase,
  DATABASE_KINDS,
  type DatabaseKind,
  type TestDatabase,
} from './database.js'
import { type GarnerModelName, garnerSchema } from './generated/garner/schema.js'
import { garnerSchema as postgresGarnerSchema } from './generated/postgresql/garner/schema.js'
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/prisma/client.js'
import { PrismaClient } from './generated/prisma/client.js'
import { openStore, STORE_KINDS, type TestStore } from './stores.js'

export type TestOptions = GarnerExtensionOptions<GarnerModelName>

/** The test schema's client, extended with garnerExtension. */
export type TestClient = ReturnType<typeof extendedClient>

function extendedClient(database: TestDatabase, garner: Garner, options: TestOptions) {
  // Both clients are generated from the same models (scripts/prisma-generate.mjs): the PostgreSQL
  // one has the SQLite one's model API, plus PostgreSQL-only filters the tests do not use.
  const Client =
    database.kind === 'sqlite'
      ? PrismaClient
      : (PostgresPrismaClient as unknown as typeof PrismaClient)
  return new Client({ adapter: database.adapter() }).$extends(garnerExtension(garner, options))
}

/** The generated Garner schema of a database's client. */
export function schemaOf(database: TestDatabase): TestOptions['schema'] {
  return database.kind === 'sqlite' ? garnerSchema : postgresGarnerSchema
}

/** Values cached by {@link PrismaTest.watch}. */
export interface Watch {
  /** Fetches every watched value again; returns the names whose loader ran, sorted: the stale ones. */
  stale(): Promise<string[]>
}

/** What a test of describeWithStores uses; valid inside the test only. */
export interface PrismaTest {
  /** The client, extended with the generated schema. */
  readonly prisma: TestClient
  readonly garner: Garner
  readonly database: TestDatabase
  /** Another client on the same database and Garner, extended with these options. */
  client(options: TestOptions): TestClient
  /** Caches one value per name, bound to the given bindings. */
  watch(bindings: Record<string, Bindings>): Promise<Watch>
}

// SQLite runs on both stores; PostgreSQL on Redis only, which halves the suite's costliest half.
// The store's part of a write (invalidating, then purging) is the same code on either database,
// so the in-process store's coverage is already given on SQLite. What PostgreSQL adds is real
// concurrency (overlapping transactions, a server of its own), and a remote store is where that
// meets real interleaving: its invalidation is a network round trip that other connections'
// reads overtake, where the in-process one settles in the same tick.
const TARGETS = DATABASE_KINDS.flatMap((database) =>
  (database === 'postgresql' ? (['redis'] as const) : STORE_KINDS).map((store) => ({
    database,
    store,
  })),
)

/**
 * Defines the tests once for every database and its stores (see TARGETS). `databases` narrows the databases, for
 * tests that need what only some have (concurrent transactions need a server).
 */
export function describeWithStores(
  title: string,
  define: (test: PrismaTest) => void,
  databases: readonly DatabaseKind[] = DATABASE_KINDS,
): void {
  const targets = TARGETS.filter((target) => databases.includes(target.database))
  describe.each(targets)(
    `${title} ($database, $store store)`,
    ({ database: kind, store: storeKind }) => {
      let store: TestStore | undefined
      let current: PrismaTest | undefined
      let close: (() => Promise<void>) | undefined
      beforeAll(async () => {
        store = await openStore(storeKind)
      })
      afterAll(async () => {
        await store?.close()
      })
      beforeEach(async () => {
        ;({ test: current, close } = await startTest(kind, store!.garner()))
      })
      afterEach(async () => {
        await close?.()
        current = undefined
      })
      const active = (): PrismaTest => {
        if (current === undefined) throw new Error('PrismaTest is only valid inside a test.')
        return current
      }
      define({
        get prisma() {
          return active().prisma
        },
        get garner() {
          return active().garner
        },
        get database() {
          return active().database
        },
        client: (options) => active().client(options),
        watch: (bindings) => active().watch(bindings),
      })
    },
  )
}

async function startTest(
  kind: DatabaseKind,
  garner: Garner,
): Promise<{ test: PrismaTest; close(): Promise<void> }> {
  const database = await createTestDatabase(kind)
  const clients: TestClient[] = []
  const client = (options: TestOptions) => {
    const opened = extendedClient(database, garner, options)
    clients.push(opened)
    return opened
  }
  const test: PrismaTest = {
    prisma: client({ schema: schemaOf(database) }),
    garner,
    database,
    client,
    watch: (bindings) => watch(garner, bindings),
  }
  const close = async () => {
    for (const opened of clients) await opened.$disconnect()
    await database.remove()
  }
  return { test, close }
}

async function watch(garner: Garner, bindings: Record<string, Bindings>): Promise<Watch> {
  const watched = Object.entries(bindings).map(([name, bind]) => ({
    name,
    bind,
    load: counter(() => ({ name })),
  }))
  // One at a time: concurrent first fetches that share a generation token not yet in the store
  // (['User', 1] and ['User', 2] share the model's instance token) each write a token of their
  // own, and all but the last one's entries read as stale once (a spurious miss in core).
  const fetchAll = async () => {
    for (const { name, bind, load } of watched) await garner.fetch(['watch', name], load, { bind })
  }
  await fetchAll()
  return {
    async stale() {
      const before = watched.map(({ load }) => load.calls)
      await fetchAll()
      return watched
        .filter(({ load }, index) => load.calls > before[index]!)
        .map(({ name }) => name)
        .sort()
    },
  }
}
