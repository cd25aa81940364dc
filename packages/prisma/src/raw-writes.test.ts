// Raw SQL writes against real SQLite (both stores) and PostgreSQL (Redis): the rawWrites option and its safe default.
import { expect, it } from 'vitest'
import type { RawWrite } from './index.js'
import type { TestDatabase } from './testing/database.js'
import { describeWithStores, schemaOf } from './testing/harness.js'
import { seed } from './testing/seed.js'

// $executeRawUnsafe takes the database's own placeholders: `?` on SQLite, `$1` on PostgreSQL.
const renameUser = ({ placeholder }: TestDatabase): string =>
  `UPDATE "User" SET "name" = ${placeholder(1)} WHERE "id" = ${placeholder(2)}`

describeWithStores('raw writes', (t) => {
  it('by default a raw write invalidates every model', async () => {
    const { alice, tag } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      posts: 'Post',
      tag: ['Tag', tag],
      groups: 'Group',
    })
    const changed = await t.prisma
      .$executeRaw`UPDATE "User" SET "name" = ${'Raw'} WHERE "id" = ${alice}`
    expect(changed).toBe(1)
    expect(await watch.stale()).toEqual(['alice', 'groups', 'posts', 'tag'])
  })

  it('rawWrites names the models raw writes change', async () => {
    const { alice, essay } = await seed(t.prisma)
    const prisma = t.client({ schema: schemaOf(t.database), rawWrites: ['User'] })
    const watch = await t.watch({ alice: ['User', alice], essay: ['Post', essay] })
    await prisma.$executeRawUnsafe(renameUser(t.database), 'Raw', alice)
    expect(await watch.stale()).toEqual(['alice'])
  })

  it('a rawWrites function decides per statement', async () => {
    const { alice, essay } = await seed(t.prisma)
    const seen: RawWrite[] = []
    const prisma = t.client({
      schema: schemaOf(t.database),
      rawWrites: (write) => {
        seen.push(write)
        return write.sql.includes('"Post"') ? ['Post'] : 'all'
      },
    })
    const watch = await t.watch({ alice: ['User', alice], essay: ['Post', essay] })
    await prisma.$executeRaw`UPDATE "Post" SET "title" = ${'Raw'} WHERE "id" = ${essay}`
    expect(seen).toEqual([
      {
        operation: '$executeRaw',
        sql: 'UPDATE "Post" SET "title" = ? WHERE "id" = ?',
        values: ['Raw', essay],
      },
    ])
    expect(await watch.stale()).toEqual(['essay'])

    await prisma.$executeRawUnsafe(renameUser(t.database), 'Raw', alice)
    expect(seen[1]).toEqual({
      operation: '$executeRawUnsafe',
      sql: renameUser(t.database),
      values: ['Raw', alice],
    })
    expect(await watch.stale()).toEqual(['alice', 'essay'])
  })

  it('a rawWrites function that names an unknown model throws before the statement runs', async () => {
    const { alice } = await seed(t.prisma)
    const prisma = t.client({
      schema: schemaOf(t.database),
      // @ts-expect-error 'Users' is not a model of the schema
      rawWrites: () => ['Users'],
    })
    await expect(
      prisma.$executeRaw`UPDATE "User" SET "name" = ${'Raw'} WHERE "id" = ${alice}`,
    ).rejects.toThrow(/"Users", which is not a model/)
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: alice } })).name).toBe('Alice')
  })

  it('rawWrites: [] invalidates nothing, for code that invalidates by hand', async () => {
    const { alice } = await seed(t.prisma)
    const prisma = t.client({ schema: schemaOf(t.database), rawWrites: [] })
    const watch = await t.watch({ alice: ['User', alice], users: 'User' })
    await prisma.$executeRaw`UPDATE "User" SET "name" = ${'Raw'} WHERE "id" = ${alice}`
    expect(await watch.stale()).toEqual([])
  })

  it('an unknown model in rawWrites is refused when the client is extended', () => {
    // @ts-expect-error 'Users' is not a model of the schema
    expect(() => t.client({ schema: schemaOf(t.database), rawWrites: ['Users'] })).toThrow(
      TypeError,
    )
  })

  it('$queryRaw is a read: it invalidates nothing', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], users: 'User' })
    const rows = await t.prisma.$queryRaw<
      { name: string }[]
    >`SELECT "name" FROM "User" WHERE "id" = ${alice}`
    expect(rows).toEqual([{ name: 'Alice' }])
    expect(await watch.stale()).toEqual([])
  })

  it('a raw write in a transaction is invalidated after the commit', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice] })
    await t.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "User" SET "name" = ${'Raw'} WHERE "id" = ${alice}`
      expect(await watch.stale()).toEqual([])
    })
    expect(await watch.stale()).toEqual(['alice'])
  })
})
