// Nested relation writes and the database's referential actions, against real SQLite on both
// stores: every model a write reaches goes stale, and models it does not reach stay fresh.
import { expect, it } from 'vitest'
import { describeWithStores } from './testing/harness.js'
import { seed } from './testing/seed.js'

describeWithStores('nested writes', (t) => {
  it('nested creates invalidate every model they create rows in', async () => {
    const { alice } = await seed(t.prisma)
    const watch = await t.watch({
      users: 'User',
      alice: ['User', alice],
      posts: 'Post',
      comments: 'Comment',
      tags: 'Tag',
      groups: 'Group',
    })
    await t.prisma.user.create({
      data: {
        email: 'carol@example.com',
        name: 'Carol',
        posts: { create: [{ title: 'Hello', comments: { create: { body: 'Welcome' } } }] },
      },
    })
    expect(await watch.stale()).toEqual(['comments', 'posts', 'users'])
  })

  it('connect and disconnect invalidate the rows they name', async () => {
    const { essay, draft, tag } = await seed(t.prisma)
    const other = await t.prisma.tag.create({ data: { name: 'other' } })
    const watch = await t.watch({
      essay: ['Post', essay],
      draft: ['Post', draft],
      tag: ['Tag', tag],
      other: ['Tag', other.id],
    })
    await t.prisma.post.update({ where: { id: essay }, data: { tags: { connect: { id: tag } } } })
    expect(await watch.stale()).toEqual(['essay', 'tag'])

    await t.prisma.post.update({
      where: { id: essay },
      data: { tags: { disconnect: [{ id: tag }] } },
    })
    expect(await watch.stale()).toEqual(['essay', 'tag'])
  })

  it('set invalidates the related model: the members it drops are named nowhere', async () => {
    const { draft, tag } = await seed(t.prisma)
    const other = await t.prisma.tag.create({ data: { name: 'other' } })
    const watch = await t.watch({ tag: ['Tag', tag], other: ['Tag', other.id], users: 'User' })
    await t.prisma.post.update({
      where: { id: draft },
      data: { tags: { set: [{ id: other.id }] } },
    })
    expect(await watch.stale()).toEqual(['other', 'tag'])
  })

  it('connecting a to-one relation moves the row: both sides go stale', async () => {
    const { bob, essay, draft } = await seed(t.prisma)
    const watch = await t.watch({
      essay: ['Post', essay],
      draft: ['Post', draft],
      bob: ['User', bob],
    })
    await t.prisma.post.update({ where: { id: essay }, data: { author: { connect: { id: bob } } } })
    expect(await watch.stale()).toEqual(['bob', 'essay'])
  })

  it('a nested to-many update invalidates the row its where names', async () => {
    const { alice, bob, draft, essay } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      draft: ['Post', draft],
      essay: ['Post', essay],
      comments: 'Comment',
    })
    await t.prisma.user.update({
      where: { id: alice },
      data: { posts: { update: { where: { id: draft }, data: { title: 'Final' } } } },
    })
    expect(await watch.stale()).toEqual(['alice', 'draft'])
  })

  it('a nested to-one update or upsert invalidates the related model (its id is not in the arguments)', async () => {
    const { alice, aliceProfile } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      profile: ['Profile', aliceProfile],
      posts: 'Post',
    })
    await t.prisma.user.update({
      where: { id: alice },
      data: { profile: { update: { bio: 'Poet' } } },
    })
    expect(await watch.stale()).toEqual(['alice', 'profile'])

    await t.prisma.user.update({
      where: { id: alice },
      data: { profile: { upsert: { create: { bio: 'New' }, update: { bio: 'Updated' } } } },
    })
    expect(await watch.stale()).toEqual(['alice', 'profile'])
  })

  it('connectOrCreate invalidates the related model: either branch may run', async () => {
    const { essay, tag } = await seed(t.prisma)
    const watch = await t.watch({ essay: ['Post', essay], tag: ['Tag', tag] })
    await t.prisma.post.update({
      where: { id: essay },
      data: { tags: { connectOrCreate: { where: { name: 'fresh' }, create: { name: 'fresh' } } } },
    })
    expect(await watch.stale()).toEqual(['essay', 'tag'])
  })

  it('a nested delete invalidates the deleted row and what its cascades reach', async () => {
    const { alice, draft, essay, comments } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      draft: ['Post', draft],
      essay: ['Post', essay],
      comment: ['Comment', comments[0]!],
      profiles: 'Profile',
    })
    await t.prisma.user.update({ where: { id: alice }, data: { posts: { delete: { id: draft } } } })
    expect(await watch.stale()).toEqual(['alice', 'comment', 'draft'])
  })

  it('a nested deleteMany invalidates the related model and its cascades', async () => {
    const { alice, bob, essay, comments } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      essay: ['Post', essay],
      comment: ['Comment', comments[1]!],
      tags: 'Tag',
    })
    await t.prisma.user.update({ where: { id: alice }, data: { posts: { deleteMany: {} } } })
    expect(await watch.stale()).toEqual(['alice', 'comment', 'essay'])
  })

  it('deleting a user invalidates everything its cascades and set-nulls reach, and nothing else', async () => {
    const { alice, bob, review, group, tag } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      bob: ['User', bob],
      review: ['Post', review],
      comments: 'Comment',
      profiles: 'Profile',
      memberships: 'Membership',
      group: ['Group', group],
      tag: ['Tag', tag],
    })
    await t.prisma.user.delete({ where: { id: alice } })
    // Bob's post loses its reviewer (onDelete: SetNull); Alice's posts, comments, profile and
    // memberships are deleted (onDelete: Cascade). Groups and tags have no foreign key to users.
    expect((await t.prisma.post.findUniqueOrThrow({ where: { id: review } })).reviewerId).toBeNull()
    expect(await t.prisma.comment.count()).toBe(0)
    expect(await watch.stale()).toEqual(['alice', 'comments', 'memberships', 'profiles', 'review'])
  })

  it('changing a referenced key invalidates the rows its onUpdate cascade rewrites', async () => {
    const { alice, bob, draft, comments } = await seed(t.prisma)
    const watch = await t.watch({
      alice: ['User', alice],
      newAlice: ['User', 100],
      bob: ['User', bob],
      draft: ['Post', draft],
      comment: ['Comment', comments[0]!],
      memberships: 'Membership',
    })
    await t.prisma.user.update({ where: { id: alice }, data: { id: 100 } })
    expect((await t.prisma.post.findUniqueOrThrow({ where: { id: draft } })).authorId).toBe(100)
    expect(await watch.stale()).toEqual(['alice', 'draft', 'memberships', 'newAlice'])
  })
})
