// The generator: what it wrote for the test schema through a real `prisma generate`, and the
// referential-action rules on small hand-written DMMF.
import { describe, expect, it } from 'vitest'
import { garnerSchema } from '../testing/generated/garner/schema.js'
import { garnerSchema as postgresGarnerSchema } from '../testing/generated/postgresql/garner/schema.js'
import { renderSchema } from './render.js'
import { type DmmfField, type DmmfModel, schemaFromDmmf } from './schema-from-dmmf.js'

describe('the generated schema of the test schema', () => {
  it('is the same for the PostgreSQL client derived from it, but for the provider', () => {
    expect(postgresGarnerSchema.provider).toBe('postgresql')
    expect({ ...postgresGarnerSchema, provider: 'sqlite' }).toEqual(garnerSchema)
  })

  it('has every model with its primary key', () => {
    expect(garnerSchema.provider).toBe('sqlite')
    expect(Object.keys(garnerSchema.models)).toEqual([
      'Comment',
      'Counter',
      'Group',
      'Membership',
      'Post',
      'Profile',
      'Tag',
      'User',
    ])
    expect(garnerSchema.models.User.id).toEqual([{ name: 'id', type: 'Int' }])
    expect(garnerSchema.models.Group.id).toEqual([{ name: 'slug', type: 'String' }])
    expect(garnerSchema.models.Membership).toMatchObject({
      id: [
        { name: 'userId', type: 'Int' },
        { name: 'groupSlug', type: 'String' },
      ],
      compoundId: 'userId_groupSlug',
    })
  })

  it('has relations with the foreign keys each side holds', () => {
    expect(garnerSchema.models.Post.relations).toEqual({
      author: { model: 'User', fields: ['authorId'] },
      reviewer: { model: 'User', fields: ['reviewerId'] },
      comments: { model: 'Comment', fields: [] },
      tags: { model: 'Tag', fields: [] },
    })
  })

  it('follows cascades and set-nulls transitively, and key updates to the rows they rewrite', () => {
    expect(garnerSchema.models.User.onDelete).toEqual(['Comment', 'Membership', 'Post', 'Profile'])
    expect(garnerSchema.models.Post.onDelete).toEqual(['Comment'])
    expect(garnerSchema.models.Tag.onDelete).toEqual([])
    expect(garnerSchema.models.User.onUpdate).toEqual({ id: ['Membership', 'Post', 'Profile'] })
    expect(garnerSchema.models.Group.onUpdate).toEqual({ slug: ['Membership'] })
  })
})

const scalar = (name: string, extra: Partial<DmmfField> = {}): DmmfField => ({
  name,
  kind: 'scalar',
  type: 'Int',
  isId: false,
  isRequired: true,
  ...extra,
})

const relation = (name: string, type: string, extra: Partial<DmmfField> = {}): DmmfField => ({
  name,
  kind: 'object',
  type,
  isId: false,
  isRequired: true,
  ...extra,
})

const model = (name: string, fields: DmmfField[], primaryKey: DmmfModel['primaryKey'] = null) => ({
  name,
  fields,
  primaryKey,
})

describe('schemaFromDmmf', () => {
  it("applies Prisma's default referential actions", () => {
    const schema = schemaFromDmmf(
      [
        model('Owner', [
          scalar('id', { isId: true }),
          relation('pets', 'Pet'),
          relation('cars', 'Car'),
        ]),
        // Optional: deleting the owner sets ownerId to null.
        model('Pet', [
          scalar('id', { isId: true }),
          scalar('ownerId', { isRequired: false }),
          relation('owner', 'Owner', {
            isRequired: false,
            relationFromFields: ['ownerId'],
            relationToFields: ['id'],
          }),
        ]),
        // Required: deleting the owner is restricted while cars reference it.
        model('Car', [
          scalar('id', { isId: true }),
          scalar('ownerId'),
          relation('owner', 'Owner', { relationFromFields: ['ownerId'], relationToFields: ['id'] }),
        ]),
      ],
      'postgresql',
    )
    expect(schema.models.Owner?.onDelete).toEqual(['Pet'])
    // Key updates cascade by default, on both relations.
    expect(schema.models.Owner?.onUpdate).toEqual({ id: ['Car', 'Pet'] })
  })

  it('follows self relations and cycles without looping', () => {
    const schema = schemaFromDmmf(
      [
        model('Person', [
          scalar('id', { isId: true }),
          scalar('managerId', { isRequired: false }),
          relation('manager', 'Person', {
            isRequired: false,
            relationFromFields: ['managerId'],
            relationToFields: ['id'],
            relationOnDelete: 'Cascade',
          }),
          relation('reports', 'Person'),
        ]),
      ],
      'postgresql',
    )
    expect(schema.models.Person?.onDelete).toEqual(['Person'])
    expect(schema.models.Person?.onUpdate).toEqual({ id: ['Person'] })
  })

  it('names a compound key as Prisma does, and leaves out restricted actions', () => {
    const schema = schemaFromDmmf(
      [
        model('Pair', [scalar('a'), scalar('b')], { name: 'pair', fields: ['a', 'b'] }),
        model('Note', [
          scalar('id', { isId: true }),
          scalar('a'),
          scalar('b'),
          relation('pair', 'Pair', {
            relationFromFields: ['a', 'b'],
            relationToFields: ['a', 'b'],
            relationOnDelete: 'Restrict',
            relationOnUpdate: 'NoAction',
          }),
        ]),
      ],
      'postgresql',
    )
    expect(schema.models.Pair).toMatchObject({ compoundId: 'pair', onDelete: [], onUpdate: {} })
  })
})

describe('renderSchema', () => {
  it('writes the schema as a module and its model names as a type', () => {
    const files = renderSchema({ provider: 'sqlite', models: garnerSchema.models })
    expect(files['schema.js']).toContain(
      `export const garnerSchema = ${JSON.stringify(garnerSchema, null, 2)}`,
    )
    expect(files['schema.d.ts']).toContain(
      'export type GarnerModelName = "Comment" | "Counter" | "Group" | "Membership" | "Post" | "Profile" | "Tag" | "User"',
    )
    expect(files['schema.d.ts']).toContain(
      'export declare const garnerSchema: GarnerSchema<GarnerModelName>',
    )
  })
})
