// binding(): model names from Prisma's model delegates, checked by the type checker, and ids in
// the form the extension invalidates.
import type { BindingId } from '@garner/core'
import { createGarner } from '@garner/core'
import { PrismaLibSql } from '@prisma/adapter-libsql'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { binding, garnerExtension, type ModelBinding, type ModelNameOf } from './index.js'
import { type GarnerModelName, garnerSchema } from './testing/generated/garner/schema.js'
import { Prisma, PrismaClient } from './testing/generated/prisma/client.js'

// Delegates are usable before the client connects: nothing here touches a database.
const prisma = new PrismaClient({ adapter: new PrismaLibSql({ url: 'file::memory:' }) })
const extended = prisma.$extends(garnerExtension(createGarner(), { schema: garnerSchema }))

describe('binding()', () => {
  it('binds a model by its delegate', () => {
    expect(binding(prisma.post)).toBe('Post')
    expect(binding(extended.membership)).toBe('Membership')
  })

  it('binds a row by its primary key', () => {
    expect(binding(prisma.user, 42)).toEqual(['User', 42])
    expect(binding(extended.group, 'admins')).toEqual(['Group', 'admins'])
    expect(binding(prisma.membership, { userId: 1, groupSlug: 'admins' })).toEqual([
      'Membership',
      { userId: 1, groupSlug: 'admins' },
    ])
  })

  it('normalizes key values the way the extension reads them from rows', () => {
    expect(binding(prisma.comment, new Date(Date.UTC(2026, 0, 2)))).toEqual([
      'Comment',
      '2026-01-02T00:00:00.000Z',
    ])
    expect(binding(prisma.comment, new Uint8Array([0, 171, 255]))).toEqual(['Comment', '00abff'])
    expect(binding(prisma.comment, new Prisma.Decimal('12345678901234567890.5'))).toEqual([
      'Comment',
      '12345678901234567890.5',
    ])
    expect(binding(prisma.user, 7n)).toEqual(['User', 7n])
  })

  it('refuses what is not a delegate or not a key', () => {
    expect(() => binding({ fields: {} })).toThrow(/needs a Prisma model delegate/)
    // A missing route parameter, as it arrives at run time.
    expect(() => binding(prisma.user, undefined as unknown as number)).toThrow(
      /Is a route parameter missing\?/,
    )
    expect(() => binding(prisma.user, Number.NaN)).toThrow(TypeError)
    expect(() =>
      binding(prisma.membership, { userId: 1, groupSlug: null as unknown as string }),
    ).toThrow(/id\.groupSlug null/)
  })

  it('types the binding with the model name', () => {
    expectTypeOf(binding(prisma.user)).toEqualTypeOf<'User'>()
    expectTypeOf(binding(extended.post, 1)).toEqualTypeOf<readonly ['Post', BindingId]>()
    expectTypeOf<ModelNameOf<typeof extended.membership>>().toEqualTypeOf<'Membership'>()
    expectTypeOf<ModelNameOf<Prisma.TransactionClient['tag']>>().toEqualTypeOf<'Tag'>()
  })

  it('ModelBinding checks hand-written bindings against the schema', () => {
    const bound: readonly ModelBinding<GarnerModelName>[] = ['User', ['Post', 1], { model: 'Tag' }]
    // @ts-expect-error 'Users' is not a model of the schema
    const misspelt: ModelBinding<Prisma.ModelName> = ['Users', 1]
    expect([bound, misspelt]).toHaveLength(2)
  })
})
