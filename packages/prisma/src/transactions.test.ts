// Writes inside $transaction, both forms, against real SQLite on both stores: invalidated after the
// commit, never before it and never after a rollback; and a reader caching during the transaction
// cannot leave the pre-commit row cached.
import { expect, it } from 'vitest'
import { describeWithStores, schemaOf } from './testing/harness.js'
import { seed } from './testing/seed.js'

describeWithStores('transactions', (t) => {
  it('a batch $transaction invalidates what its writes touched once it commits', async () => {
    const { alice, bob, essay } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      essay: ['Post', essay],
    })
    await t.prisma.$transaction([
      t.prisma.user.update({ where: { id: alice }, data: { name: 'A' } }),
      t.prisma.user.findMany(),
      t.prisma.post.update({ where: { id: essay }, data: { title: 'E' } }),
    ])
    expect(await watch.stale()).toEqual(['alice', 'essay'])
  })

  it('a batch $transaction that rolls back invalidates nothing', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], bob: ['User', bob], users: 'User' })
    await expect(
      t.prisma.$transaction([
        t.prisma.user.update({ where: { id: alice }, data: { name: 'Rolled back' } }),
        t.prisma.user.update({ where: { id: bob }, data: { email: 'alice@example.com' } }),
      ]),
    ).rejects.toMatchObject({ code: 'P2002' })
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: alice } })).name).toBe('Alice')
    expect(await watch.stale()).toEqual([])
  })

  it('an interactive $transaction invalidates after the commit, not at the write', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], bob: ['User', bob], users: 'User' })
    await t.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: alice }, data: { name: 'A' } })
      await tx.user.findMany()
      expect(await watch.stale()).toEqual([])
    })
    expect(await watch.stale()).toEqual(['alice', 'users'])
  })

  it('an interactive $transaction that rolls back invalidates nothing', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], users: 'User', posts: 'Post' })
    const failure = new Error('changed my mind')
    await expect(
      t.prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: alice }, data: { name: 'Rolled back' } })
        await tx.post.deleteMany({})
        throw failure
      }),
    ).rejects.toBe(failure)
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: alice } })).name).toBe('Alice')
    expect(await watch.stale()).toEqual([])
  })

  it('a nested transaction hands its writes to the outer one, and drops them when it rolls back', async () => {
    const { alice, bob, essay } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      essay: ['Post', essay],
    })
    await t.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: alice }, data: { name: 'A' } })
      await tx.$transaction(async (inner) => {
        await inner.post.update({ where: { id: essay }, data: { title: 'Kept' } })
      })
      await expect(
        tx.$transaction(async (inner) => {
          await inner.user.update({ where: { id: bob }, data: { name: 'Rolled back' } })
          throw new Error('roll back to the savepoint')
        }),
      ).rejects.toThrow('savepoint')
      expect(await watch.stale()).toEqual([])
    })
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: bob } })).name).toBe('Bob')
    expect(await watch.stale()).toEqual(['alice', 'essay'])
  })

  it('a nested transaction that committed is dropped when the outer one rolls back', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice] })
    await expect(
      t.prisma.$transaction(async (tx) => {
        await tx.$transaction(async (inner) => {
          await inner.user.update({ where: { id: alice }, data: { name: 'Rolled back' } })
        })
        throw new Error('outer rollback')
      }),
    ).rejects.toThrow('outer rollback')
    expect(await watch.stale()).toEqual([])
  })

  it('a write outside the transaction, made during it, is invalidated at once', async () => {
    const { alice, bob } = await seed(t.prisma)
    // Another client: its write is no part of the transaction (and, made before the transaction
    // writes, does not wait for SQLite's write lock).
    const other = t.client({ schema: schemaOf(t.database) })
    const watch = await t.watch({ alice: ['User', alice], bob: ['User', bob] })
    await t.prisma.$transaction(async (tx) => {
      await other.user.update({ where: { id: bob }, data: { name: 'B' } })
      expect(await watch.stale()).toEqual(['bob'])
      await tx.user.update({ where: { id: alice }, data: { name: 'A' } })
      expect(await watch.stale()).toEqual([])
    })
    expect(await watch.stale()).toEqual(['alice'])
  })

  it('a reader caching during the transaction does not keep the pre-commit row after the commit', async () => {
    const { alice } = await seed(t.prisma)
    // Another connection to the same database file, as another process would have.
    const reader = t.client({ schema: schemaOf(t.database) })
    const aliceName = () =>
      t.garner.fetch(
        ['name', alice],
        async () => (await reader.user.findUniqueOrThrow({ where: { id: alice } })).name,
        { bind: ['User', alice] },
      )
    await t.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: alice }, data: { name: 'Alice (committed)' } })
      // Not committed yet: the reader loads the old name, and caches it.
      expect(await aliceName()).toBe('Alice')
    })
    expect(await aliceName()).toBe('Alice (committed)')
  })
})
