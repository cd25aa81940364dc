// The facts about a Prisma schema that invalidation needs and that Prisma 7's client does not
// carry at run time: primary keys, foreign keys and the referential actions the database runs.
// The `garner-prisma` generator writes them (src/generator); runtime-schema.ts derives a coarse
// stand-in when they are missing.

/** A primary key field and its Prisma scalar type (`Int`, `String`, `DateTime` …). */
export interface IdField {
  /** The field's name in the Prisma schema. */
  readonly name: string
  /** Its Prisma scalar type. */
  readonly type: string
}

/** A relation field: the model at its other end, and the foreign-key fields this model holds for it. */
export interface RelationSchema<ModelName extends string = string> {
  /** The model at the other end of the relation. */
  readonly model: ModelName
  /** Empty when the other model holds the foreign key, or for an implicit many-to-many relation. */
  readonly fields: readonly string[]
}

/** What the extension knows about one model. */
export interface ModelSchema<ModelName extends string = string> {
  /** The primary key's fields, in order; empty when unknown (then writes invalidate the whole model). */
  readonly id: readonly IdField[]
  /** The name a composite primary key takes in `where` inputs (`userId_groupSlug`). */
  readonly compoundId?: string
  /** Relation fields by name. */
  readonly relations: { readonly [field: string]: RelationSchema<ModelName> }
  /** Models whose rows the database changes when a row of this model is deleted (cascades, set-null), transitively. */
  readonly onDelete: readonly ModelName[]
  /** For each field that other rows reference: models whose rows the database changes when it changes, transitively. */
  readonly onUpdate: { readonly [field: string]: readonly ModelName[] }
}

/**
 * A Prisma schema as the extension sees it. Generate it with the `garner-prisma` generator and
 * pass it as `garnerExtension(garner, { schema })`.
 */
export interface GarnerSchema<ModelName extends string = string> {
  /** The datasource provider (`sqlite`, `postgresql`, `mysql` …). */
  readonly provider: string
  /** Every model of the schema, by Prisma model name. */
  readonly models: { readonly [Name in ModelName]: ModelSchema<ModelName> }
}

/** Providers whose default collations compare text case-insensitively, so `where: { slug: 'A' }` may match the row `'a'`. */
export const CASE_INSENSITIVE_PROVIDERS: readonly string[] = ['mysql', 'sqlserver']

/** The model's facts, or a `TypeError` naming the model when the schema does not know it. */
export function modelSchema(schema: GarnerSchema, model: string): ModelSchema {
  const found = Object.hasOwn(schema.models, model) ? schema.models[model] : undefined
  if (found === undefined) {
    throw new TypeError(
      `Garner: the schema given to garnerExtension() has no model ${JSON.stringify(model)}. ` +
        'Run `prisma generate` so that the garner-prisma generator and the client describe the same schema.',
    )
  }
  return found
}
