// garnerExtension() itself: misuse is refused with a clear TypeError, and a store that cannot take
// an invalidation never fails the write that caused it.
import { createGarner, type GarnerEvents } from '@garner/core'
import { startRedisServer } from '@garner/fixtures'
import { counter } from '@garner/testing'
import type KeyvRedis from '@keyv/redis'
import { createKeyv } from '@keyv/redis'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { describe, expect, it } from 'vitest'
import { type GarnerSchema, garnerExtension } from './index.js'
import { createTestDatabase } from './testing/database.js'
import { garnerSchema } from './testing/generated/garner/schema.js'
import { PrismaClient } from './testing/generated/prisma/client.js'
import { seed } from './testing/seed.js'

const client = () => new PrismaClient({ adapter: new PrismaLibSql({ url: 'file::memory:' }) })

describe('garnerExtension misuse', () => {
  it('needs a Garner instance', () => {
    expect(() => garnerExtension(undefined as never)).toThrow(/needs the Garner instance/)
  })

  it('needs options as an object', () => {
    expect(() => garnerExtension(createGarner(), null as never)).toThrow(TypeError)
  })

  it('needs the schema the generator writes', () => {
    const schema = { models: {} } as unknown as GarnerSchema
    expect(() => client().$extends(garnerExtension(createGarner(), { schema }))).toThrow(
      /garner-prisma generator writes/,
    )
  })

  it('refuses a model the schema does not know, before the write runs', async () => {
    const schema: GarnerSchema = { provider: 'sqlite', models: { User: garnerSchema.models.User } }
    const prisma = client().$extends(garnerExtension(createGarner(), { schema }))
    await expect(prisma.post.deleteMany({})).rejects.toThrow(/has no model "Post"/)
  })
})

describe('a store that cannot take the invalidation', () => {
  it('does not fail the write: Garner reports the failure and bypasses the stale entry', async () => {
    const server = await startRedisServer()
    const keyv = createKeyv(server.url)
    const database = await createTestDatabase()
    const garner = createGarner({ store: keyv, namespace: 'unreachable', storeTimeout: 200 })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url: database.url }) }).$extends(
      garnerExtension(garner, { schema: garnerSchema }),
    )
    try {
      const { alice } = await seed(prisma)
      const load = counter(
        async () => (await prisma.user.findUniqueOrThrow({ where: { id: alice } })).name,
      )
      const name = () => garner.fetch(['name', alice], load, { bind: ['User', alice] })
      expect(await name()).toBe('Alice')

      await server.kill()
      const updated = await prisma.user.update({ where: { id: alice }, data: { name: 'Alice B.' } })
      expect(updated.name).toBe('Alice B.')
      expect(errors.some((event) => event.operation === 'invalidate')).toBe(true)
      expect(await name()).toBe('Alice B.')
      expect(load.calls).toBe(2)
    } finally {
      await prisma.$disconnect()
      await (keyv.store as KeyvRedis<string>).disconnect(true)
      await server.stop()
      await database.remove()
    }
  })
})
