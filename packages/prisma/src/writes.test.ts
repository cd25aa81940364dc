// Every top-level Prisma write against real SQLite, on both stores: which cached values go stale
// and which stay fresh, read from the loader runs of real garner.fetch calls bound to rows.
import { expect, it } from 'vitest'
import { binding } from './index.js'
import { describeWithStores } from './testing/harness.js'
import { seed } from './testing/seed.js'

describeWithStores('writes', (t) => {
  it('create invalidates the created row (from the returned row) and its model', async () => {
    const { alice } = await seed(t.prisma)
    // A fresh database numbers rows from 1: the next user is 3.
    const watch = await t.watch({
      next: ['User', 3],
      alice: ['User', alice],
      users: 'User',
      posts: 'Post',
    })
    const created = await t.prisma.user.create({
      data: { email: 'carol@example.com', name: 'Carol' },
    })
    expect(created.id).toBe(3)
    expect(await watch.stale()).toEqual(['next', 'users'])
  })

  it('create reads the key from the data when the result does not select it', async () => {
    await seed(t.prisma)
    const watch = await t.watch({ slug: ['Group', 'editors'], admins: ['Group', 'admins'] })
    await t.prisma.group.create({
      data: { slug: 'editors', name: 'Editors' },
      select: { name: true },
    })
    expect(await watch.stale()).toEqual(['slug'])
  })

  it('createMany invalidates the model, or the rows when the data names their keys', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], ten: ['User', 10], users: 'User' })
    await t.prisma.user.createMany({ data: [{ email: 'c@example.com', name: 'C' }] })
    expect(await watch.stale()).toEqual(['alice', 'ten', 'users'])

    await t.prisma.user.createMany({ data: [{ id: 10, email: 'ten@example.com', name: 'Ten' }] })
    expect(await watch.stale()).toEqual(['ten', 'users'])
  })

  it('createMany that creates nothing invalidates nothing', async () => {
    await seed(t.prisma)
    const watch = await t.watch({ users: 'User' })
    const result = await t.prisma.user.createMany({ data: [] })
    expect(result.count).toBe(0)
    expect(await watch.stale()).toEqual([])
  })

  it('createManyAndReturn invalidates the returned rows', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], three: ['User', 3], four: ['User', 4] })
    const rows = await t.prisma.user.createManyAndReturn({
      data: [
        { email: 'c@example.com', name: 'C' },
        { email: 'd@example.com', name: 'D' },
      ],
    })
    expect(rows.map((row) => row.id)).toEqual([3, 4])
    expect(await watch.stale()).toEqual(['four', 'three'])
  })

  it('update invalidates the row and its model, not other rows', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      users: 'User',
      posts: 'Post',
    })
    await t.prisma.user.update({ where: { id: alice }, data: { name: 'Alice B.' } })
    expect(await watch.stale()).toEqual(['alice', 'users'])
  })

  it('update reads the key from `where` when the result does not select it', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], bob: ['User', bob] })
    await t.prisma.user.update({
      where: { id: alice },
      data: { name: 'A' },
      select: { name: true },
    })
    expect(await watch.stale()).toEqual(['alice'])

    // Neither the result nor `where` names the key: the whole model goes stale.
    await t.prisma.user.update({
      where: { email: 'alice@example.com' },
      data: { name: 'B' },
      select: { name: true },
    })
    expect(await watch.stale()).toEqual(['alice', 'bob'])
  })

  it('updateMany invalidates the model; one that matches nothing invalidates nothing', async () => {
    const { alice, essay } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], essay: ['Post', essay], posts: 'Post' })
    await t.prisma.post.updateMany({ where: { title: { startsWith: 'D' } }, data: { title: 'X' } })
    expect(await watch.stale()).toEqual(['essay', 'posts'])

    const none = await t.prisma.post.updateMany({
      where: { title: 'nothing' },
      data: { title: 'Y' },
    })
    expect(none.count).toBe(0)
    expect(await watch.stale()).toEqual([])
  })

  it('updateManyAndReturn invalidates the returned rows', async () => {
    const { draft, essay, review } = await seed(t.prisma)
    const watch = await t.watch({
      draft: ['Post', draft],
      essay: ['Post', essay],
      review: ['Post', review],
    })
    await t.prisma.post.updateManyAndReturn({
      where: { id: { in: [draft, essay] } },
      data: { title: 'Renamed' },
    })
    expect(await watch.stale()).toEqual(['draft', 'essay'])
  })

  it('upsert invalidates the updated row, or the created one', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], bob: ['User', bob], carol: ['User', 30] })
    await t.prisma.user.upsert({
      where: { email: 'alice@example.com' },
      update: { name: 'Alice U.' },
      create: { email: 'alice@example.com', name: 'Alice' },
    })
    expect(await watch.stale()).toEqual(['alice'])

    await t.prisma.user.upsert({
      where: { email: 'carol@example.com' },
      update: { name: 'Carol U.' },
      create: { id: 30, email: 'carol@example.com', name: 'Carol' },
    })
    expect(await watch.stale()).toEqual(['carol'])
  })

  it('delete invalidates the row and the models its cascades reach', async () => {
    const { alice, draft, essay, comments } = await seed(t.prisma)
    const watch = await t.watch({
      draft: ['Post', draft],
      essay: ['Post', essay],
      comment: ['Comment', comments[0]!],
      comments: 'Comment',
      alice: ['User', alice],
      tags: 'Tag',
    })
    await t.prisma.post.delete({ where: { id: draft } })
    expect(await t.prisma.comment.count()).toBe(0)
    expect(await watch.stale()).toEqual(['comment', 'comments', 'draft'])
  })

  it('deleteMany invalidates the model and its cascades; one that deletes nothing, nothing', async () => {
    const { alice, bob } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      posts: 'Post',
      comments: 'Comment',
      groups: 'Group',
    })
    const none = await t.prisma.post.deleteMany({ where: { title: 'nothing' } })
    expect(none.count).toBe(0)
    expect(await watch.stale()).toEqual([])

    await t.prisma.post.deleteMany({ where: { authorId: alice } })
    expect(await watch.stale()).toEqual(['comments', 'posts'])
  })

  it('a failed write invalidates nothing and throws Prisma error unchanged', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], users: 'User' })
    await expect(
      t.prisma.user.create({ data: { email: 'alice@example.com', name: 'Twin' } }),
    ).rejects.toMatchObject({ code: 'P2002' })
    await expect(
      t.prisma.user.update({
        where: { email: 'alice@example.com' },
        data: { email: 'bob@example.com' },
      }),
    ).rejects.toMatchObject({ code: 'P2002' })
    await expect(t.prisma.user.delete({ where: { id: 999 } })).rejects.toMatchObject({
      code: 'P2025',
    })
    expect(await watch.stale()).toEqual([])
  })

  it('reads invalidate nothing', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({ alice: ['User', alice], users: 'User', posts: 'Post' })
    await t.prisma.user.findMany({ include: { posts: true } })
    await t.prisma.user.findUnique({ where: { id: alice } })
    await t.prisma.post.count()
    await t.prisma.post.groupBy({ by: ['authorId'], _count: true })
    expect(await watch.stale()).toEqual([])
  })

  it('a composite key is an object id, the one binding() builds', async () => {
    const { alice, bob, group } = await seed(t.prisma)
    const aliceInGroup = binding(t.prisma.membership, { userId: alice, groupSlug: group })
    const watch = await t.watch({
      alice: aliceInGroup,
      bob: ['Membership', { groupSlug: group, userId: bob }],
      memberships: 'Membership',
      users: 'User',
    })
    await t.prisma.membership.update({
      where: { userId_groupSlug: { userId: alice, groupSlug: group } },
      data: { role: 'admin' },
    })
    expect(await watch.stale()).toEqual(['alice', 'memberships'])
  })

  it('a key that is not called id: changing it invalidates both keys and its cascades', async () => {
    const { alice, group } = await seed(t.prisma)
    const watch = await t.watch({
      old: ['Group', group],
      renamed: ['Group', 'owners'],
      membership: ['Membership', { userId: alice, groupSlug: group }],
      users: 'User',
    })
    await t.prisma.group.update({ where: { slug: group }, data: { slug: 'owners' } })
    expect(await t.prisma.membership.count({ where: { groupSlug: 'owners' } })).toBe(2)
    expect(await watch.stale()).toEqual(['membership', 'old', 'renamed'])
  })
})
