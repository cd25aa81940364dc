// What only a database server shows: real concurrent transactions on PostgreSQL (on Redis).
// Writers and readers race on overlapping rows, interactive transactions interleave, a commit
// lands while a reader is loading the row, and every isolation level (with retries after
// serialization failures) keeps the guarantee: once a write's commit has returned, no read
// returns an older row. Each Counter write increments its version, so versions follow the order
// the database committed them in; the stale-read ledger is the fault suite's checker.
import { staleReadLedger } from '@garner/fixtures'
import { deferred, sleep } from '@garner/testing'
import { expect, it } from 'vitest'
import { Prisma } from './testing/generated/postgresql/prisma/client.js'
import { describeWithStores, schemaOf, type TestClient } from './testing/harness.js'

const ROWS = [1, 2, 3, 4]
const { ReadCommitted, RepeatableRead, Serializable } = Prisma.TransactionIsolationLevel
type IsolationLevel = typeof ReadCommitted | typeof RepeatableRead | typeof Serializable

// The SQLite client's types (TestClient) know only Serializable; the PostgreSQL client takes all.
const at = (isolationLevel: IsolationLevel) => ({ isolationLevel }) as { isolationLevel: never }

const bump = (prisma: Pick<TestClient, 'counter'>, id: number) =>
  prisma.counter.update({ where: { id }, data: { version: { increment: 1 } } })

/** A serialization failure or deadlock, which PostgreSQL asks the client to retry. */
const isRetryable = (error: unknown): boolean => (error as { code?: unknown }).code === 'P2034'

/** Runs a transaction again after a serialization failure, as PostgreSQL's manual asks. */
async function withRetry<T>(run: () => Promise<T>, onRetry: () => void): Promise<T> {
  for (;;) {
    try {
      return await run()
    } catch (error) {
      if (!isRetryable(error)) throw error
      onRetry()
    }
  }
}

describeWithStores(
  'concurrent transactions',
  (t) => {
    async function setup() {
      await t.prisma.counter.createMany({ data: ROWS.map((id) => ({ id })) })
      // Loaders read on connections of their own, as other requests of the app would.
      const reader = t.client({ schema: schemaOf(t.database) })
      const version = (id: number) =>
        t.garner.fetch(
          ['counter', id],
          async () => (await reader.counter.findUniqueOrThrow({ where: { id } })).version,
          { bind: ['Counter', id] },
        )
      return { reader, version }
    }

    it('many writers and readers on overlapping rows: no stale read after a commit returned', async () => {
      const { reader } = await setup()
      const ledger = staleReadLedger<number>()
      let hits = 0
      t.garner.on('hit', () => {
        hits += 1
      })
      // A slow database (answers arrive 0 to 3 ms after the rows were read) widens every race.
      const late = () => sleep(Math.random() * 3)
      const pick = () => ROWS[Math.floor(Math.random() * ROWS.length)]!
      const pair = (): [number, number] => {
        const [a, b] = [pick(), pick()]
        // Rows locked in one order: transactions that overlap wait for each other, never deadlock.
        const other = a === b ? (a % ROWS.length) + 1 : b
        return [Math.min(a, other), Math.max(a, other)]
      }

      async function readOne() {
        const id = pick()
        const check = ledger.beginRead()
        const version = await t.garner.fetch(
          ['counter', id],
          async () => {
            const row = await reader.counter.findUniqueOrThrow({ where: { id } })
            await late()
            return row.version
          },
          { bind: ['Counter', id] },
        )
        check(id, version, `counter ${id}`)
      }
      async function readAll() {
        const check = ledger.beginRead()
        const rows = await t.garner.fetch(
          ['counters'],
          async () => {
            const found = await reader.counter.findMany({ orderBy: { id: 'asc' } })
            await late()
            return found.map((row) => [row.id, row.version] as const)
          },
          { bind: 'Counter' },
        )
        for (const [id, version] of rows) check(id, version, 'all counters')
      }
      const writes = [
        async function single() {
          const row = await bump(t.prisma, pick())
          ledger.acknowledge(row.id, row.version)
        },
        async function interactive() {
          const [a, b] = pair()
          const rows = await t.prisma.$transaction(async (tx) => {
            const first = await bump(tx, a)
            await late()
            return [first, await bump(tx, b)]
          })
          for (const row of rows) ledger.acknowledge(row.id, row.version)
        },
        async function batch() {
          const [a, b] = pair()
          const rows = await t.prisma.$transaction([bump(t.prisma, a), bump(t.prisma, b)])
          for (const row of rows) ledger.acknowledge(row.id, row.version)
        },
      ]

      let writing = true
      let committed = 0
      const writers = Array.from({ length: 6 }, async () => {
        for (let step = 0; step < 20; step++) {
          await writes[Math.floor(Math.random() * writes.length)]!()
          committed += 1
        }
      })
      const readers = Array.from({ length: 6 }, async (_, index) => {
        while (writing) {
          await (index % 3 === 0 ? readAll() : readOne())
          // In-process hits settle without I/O: yield, or the readers would starve the writers.
          await new Promise(setImmediate)
        }
      })
      await Promise.all(writers)
      writing = false
      await Promise.all(readers)

      expect(ledger.violations).toEqual([])
      expect(committed).toBe(120)
      expect(ledger.reads).toBeGreaterThan(100)
      // The cache answered some of them: the races ran against cached entries, not only misses.
      expect(hits).toBeGreaterThan(0)
      // And the cache ends where the database is: what it still holds is the current row.
      for (const row of await reader.counter.findMany()) {
        expect(
          await t.garner.fetch(['counter', row.id], async () => row.version, {
            bind: ['Counter', row.id],
          }),
        ).toBe(row.version)
      }
    })

    it('interleaved interactive transactions: each is invalidated at its own commit', async () => {
      const { version } = await setup()
      expect([await version(1), await version(2)]).toEqual([0, 0])
      const aWrote = deferred()
      const bWrote = deferred()
      const aCommit = deferred()
      const bCommit = deferred()
      const a = t.prisma.$transaction(async (tx) => {
        await bump(tx, 1)
        aWrote.resolve()
        await aCommit.promise
      })
      const bFinish = deferred()
      const b = t.prisma.$transaction(async (tx) => {
        await bump(tx, 2)
        bWrote.resolve()
        await bCommit.promise
        // Overlapping rows: B waits for A's lock on row 1, and commits after A.
        await bump(tx, 1)
        await bFinish.promise
      })
      await Promise.all([aWrote.promise, bWrote.promise])
      // Neither committed: readers load and cache the old rows.
      expect([await version(1), await version(2)]).toEqual([0, 0])

      bCommit.resolve()
      await sleep(20) // B now waits on row 1
      expect([await version(1), await version(2)]).toEqual([0, 0])
      aCommit.resolve()
      await a
      expect([await version(1), await version(2)]).toEqual([1, 0])
      bFinish.resolve()
      await b
      expect([await version(1), await version(2)]).toEqual([2, 1])
    })

    it('interleaved interactive transactions: a rollback invalidates nothing, the other commit does', async () => {
      const { version } = await setup()
      const watch = await t.watch({ one: ['Counter', 1], two: ['Counter', 2], all: 'Counter' })
      const aWrote = deferred()
      const bWrote = deferred()
      const release = deferred()
      const failure = new Error('A changed its mind')
      const a = t.prisma.$transaction(async (tx) => {
        await bump(tx, 1)
        aWrote.resolve()
        await release.promise
        throw failure
      })
      const b = t.prisma.$transaction(async (tx) => {
        await bump(tx, 2)
        bWrote.resolve()
        await release.promise
      })
      await Promise.all([aWrote.promise, bWrote.promise])
      release.resolve()
      await expect(a).rejects.toBe(failure)
      await b
      expect(await watch.stale()).toEqual(['all', 'two'])
      expect([await version(1), await version(2)]).toEqual([0, 1])
    })

    it('a commit while a reader is loading the row: the reader may return the old row, the cache never keeps it', async () => {
      const { reader, version } = await setup()
      expect(await version(1)).toBe(0)
      await bump(t.prisma, 2) // the cached row goes stale: the next fetch loads
      for (const order of ['read before the commit', 'read after the commit'] as const) {
        const loading = deferred()
        const query = deferred()
        const finish = deferred()
        const fetched = t.garner.fetch(
          ['slow', order],
          async () => {
            loading.resolve()
            await query.promise
            const row = await reader.counter.findUniqueOrThrow({ where: { id: 1 } })
            await finish.promise
            return row.version
          },
          { bind: ['Counter', 1] },
        )
        await loading.promise // the loader runs: its generation tokens are read
        const before = (await reader.counter.findUniqueOrThrow({ where: { id: 1 } })).version
        const wrote = deferred()
        const commit = deferred()
        const transaction = t.prisma.$transaction(async (tx) => {
          await bump(tx, 1)
          wrote.resolve()
          await commit.promise
        })
        await wrote.promise
        if (order === 'read before the commit') {
          query.resolve()
          await sleep(20) // the loader has read the uncommitted row's old version
          commit.resolve()
          await transaction
        } else {
          commit.resolve()
          await transaction
          query.resolve()
        }
        finish.resolve()
        // It started before the commit returned: either version is a correct answer.
        expect([before, before + 1]).toContain(await fetched)
        // Anything that starts now sees the commit.
        expect(
          await t.garner.fetch(
            ['slow', order],
            async () => (await reader.counter.findUniqueOrThrow({ where: { id: 1 } })).version,
            { bind: ['Counter', 1] },
          ),
        ).toBe(before + 1)
        expect(await version(1)).toBe(before + 1)
      }
    })

    it.each([ReadCommitted, RepeatableRead, Serializable])(
      'at %s: invalidated after the commit in both forms, never before, not after a rollback',
      async (level) => {
        const { version } = await setup()
        const watch = await t.watch({ one: ['Counter', 1], two: ['Counter', 2], all: 'Counter' })
        await t.prisma.$transaction(async (tx) => {
          await bump(tx, 1)
          // Uncommitted: nothing is stale, and a reader caching now is not left behind.
          expect(await watch.stale()).toEqual([])
          expect(await version(1)).toBe(0)
        }, at(level))
        expect(await watch.stale()).toEqual(['all', 'one'])
        expect(await version(1)).toBe(1)

        await t.prisma.$transaction([bump(t.prisma, 2)], at(level))
        expect(await watch.stale()).toEqual(['all', 'two'])

        await expect(
          t.prisma.$transaction(async (tx) => {
            await bump(tx, 1)
            await bump(tx, 2)
            throw new Error('rolled back')
          }, at(level)),
        ).rejects.toThrow('rolled back')
        expect(await watch.stale()).toEqual([])
        expect(await version(1)).toBe(1)
      },
    )

    it('Serializable with retries: conflicting transactions retry until each commits once, and only commits invalidate', async () => {
      const { version } = await setup()
      expect(await version(1)).toBe(0)
      const invalidated: unknown[] = []
      t.garner.on('invalidate', (event) => {
        if (event.model === 'Counter') invalidated.push(event.id)
      })
      let retries = 0
      let attempts = 0
      const bothRead = deferred()
      let reads = 0
      // Read-modify-write: each reads the version, then writes it plus one. Serializable lets at
      // most one of two overlapping ones commit; the other fails with P2034 and runs again.
      const increment = () =>
        withRetry(
          () =>
            t.prisma.$transaction(async (tx) => {
              attempts += 1
              const { version: seen } = await tx.counter.findUniqueOrThrow({ where: { id: 1 } })
              // The first two attempts both read before either writes: a certain conflict.
              if (++reads === 2) bothRead.resolve()
              if (reads <= 2) await bothRead.promise
              await tx.counter.update({ where: { id: 1 }, data: { version: seen + 1 } })
            }, at(Serializable)),
          () => {
            retries += 1
          },
        )
      await Promise.all([increment(), increment()])
      expect(retries).toBeGreaterThan(0)
      expect(attempts).toBe(2 + retries)
      // Neither increment was lost, and the cache shows both.
      expect(await version(1)).toBe(2)
      // One invalidation per commit; the attempts that failed invalidated nothing.
      expect(invalidated).toEqual(['1', '1'])
    })
  },
  ['postgresql'],
)
