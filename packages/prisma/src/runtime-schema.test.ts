// Without the generated schema: whole models only, and deletes and updates reach every model
// connected to theirs. Coarse, but never stale.
import { expect, it } from 'vitest'
import { schemaFromRuntimeDataModel } from './runtime-schema.js'
import { describeWithStores } from './testing/harness.js'
import { seed } from './testing/seed.js'

describeWithStores('without a generated schema', (t) => {
  it('an update invalidates every model connected to its model', async () => {
    const { alice, bob } = await seed(t.prisma)
    const prisma = t.client({})
    const watch = await t.watch({
      bob: ['User', bob],
      comments: 'Comment',
      groups: 'Group',
      profiles: 'Profile',
      tags: 'Tag',
    })
    await prisma.user.update({ where: { id: alice }, data: { name: 'A' } })
    expect(await watch.stale()).toEqual(['bob', 'comments', 'groups', 'profiles', 'tags'])
  })

  it('a create invalidates its model and the models of its nested writes', async () => {
    const { alice } = await seed(t.prisma)
    const prisma = t.client({})
    const watch = await t.watch({
      alice: ['User', alice],
      posts: 'Post',
      tags: 'Tag',
      groups: 'Group',
    })
    await prisma.tag.create({ data: { name: 'solo' } })
    expect(await watch.stale()).toEqual(['tags'])

    await prisma.post.create({ data: { title: 'New', author: { connect: { id: alice } } } })
    expect(await watch.stale()).toEqual(['alice', 'posts'])
  })
})

it('refuses a client that does not describe its models', () => {
  expect(() => schemaFromRuntimeDataModel({})).toThrow(/garner-prisma generator/)
})
