// Turns Prisma's DMMF (what a generator receives) into the GarnerSchema the extension reads at run
// time: primary keys, foreign keys, and, computed once here, the models each delete or key update
// reaches through the database's referential actions.
import type { GarnerSchema, IdField, ModelSchema, RelationSchema } from '../schema.js'

/** The part of a DMMF field this generator reads (a structural subset of `DMMF.Field`). */
export interface DmmfField {
  readonly name: string
  readonly kind: string
  readonly type: string
  readonly isId: boolean
  readonly isRequired: boolean
  readonly relationFromFields?: readonly string[] | undefined
  readonly relationToFields?: readonly string[] | undefined
  readonly relationOnDelete?: string | undefined
  readonly relationOnUpdate?: string | undefined
}

/** The part of a DMMF model this generator reads (a structural subset of `DMMF.Model`). */
export interface DmmfModel {
  readonly name: string
  readonly fields: readonly DmmfField[]
  readonly primaryKey: { readonly name: string | null; readonly fields: readonly string[] } | null
}

/** Referential actions that make the database write the referencing rows. */
const WRITING_ACTIONS: ReadonlySet<string> = new Set(['Cascade', 'SetNull', 'SetDefault'])

/** A foreign key: `holder.fields` reference `target.references`. */
interface ForeignKey {
  readonly holder: string
  readonly fields: readonly string[]
  readonly references: readonly string[]
  readonly onDelete: string
  readonly onUpdate: string
}

export function schemaFromDmmf(models: readonly DmmfModel[], provider: string): GarnerSchema {
  const keysTo = foreignKeysByTarget(models)
  const schema: Record<string, ModelSchema> = {}
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    schema[model.name] = describeModel(model, keysTo)
  }
  return { provider, models: schema }
}

function describeModel(model: DmmfModel, keysTo: Map<string, ForeignKey[]>): ModelSchema {
  const id = primaryKey(model)
  const relations: Record<string, RelationSchema> = {}
  for (const field of model.fields) {
    if (field.kind === 'object') {
      relations[field.name] = { model: field.type, fields: field.relationFromFields ?? [] }
    }
  }
  const onUpdate: Record<string, string[]> = {}
  for (const key of keysTo.get(model.name) ?? []) {
    for (const field of key.references) {
      onUpdate[field] ??= sorted(updateReach(model.name, [field], keysTo, new Set()))
    }
  }
  const key = model.primaryKey
  const compoundId =
    key !== null && key.fields.length > 1 ? (key.name ?? key.fields.join('_')) : undefined
  return {
    id,
    ...(compoundId !== undefined && { compoundId }),
    relations,
    onDelete: sorted(deleteReach(model.name, keysTo, new Set())),
    onUpdate,
  }
}

// A single-field `@id` shows in `isId`; `@@id([...])` only in `primaryKey`.
function primaryKey(model: DmmfModel): IdField[] {
  const names = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name)
  return names.map((name) => ({
    name,
    type: model.fields.find((field) => field.name === name)?.type ?? 'Unknown',
  }))
}

function foreignKeysByTarget(models: readonly DmmfModel[]): Map<string, ForeignKey[]> {
  const keysTo = new Map<string, ForeignKey[]>()
  for (const model of models) {
    for (const field of model.fields) {
      const fields = field.relationFromFields ?? []
      // Implicit many-to-many relations have no foreign keys on either model: their join
      // table is no Prisma model, so nothing to invalidate when its rows go.
      if (field.kind !== 'object' || fields.length === 0) continue
      const key: ForeignKey = {
        holder: model.name,
        fields,
        references: field.relationToFields ?? [],
        // Prisma's defaults: optional relations set null on delete, required ones restrict;
        // every relation cascades key updates.
        onDelete: field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull'),
        onUpdate: field.relationOnUpdate ?? 'Cascade',
      }
      const list = keysTo.get(field.type) ?? []
      list.push(key)
      keysTo.set(field.type, list)
    }
  }
  return keysTo
}

/** Models whose rows deleting a `model` row changes: cascaded deletes and nulled (or defaulted) keys. */
function deleteReach(
  model: string,
  keysTo: Map<string, ForeignKey[]>,
  seen: Set<string>,
): Set<string> {
  const reached = new Set<string>()
  if (seen.has(`delete ${model}`)) return reached
  seen.add(`delete ${model}`)
  for (const key of keysTo.get(model) ?? []) {
    if (!WRITING_ACTIONS.has(key.onDelete)) continue
    reached.add(key.holder)
    const further =
      key.onDelete === 'Cascade'
        ? deleteReach(key.holder, keysTo, seen)
        : updateReach(key.holder, key.fields, keysTo, seen)
    for (const name of further) reached.add(name)
  }
  return reached
}

/** Models whose rows changing `fields` of a `model` row changes, through `onUpdate` actions. */
function updateReach(
  model: string,
  fields: readonly string[],
  keysTo: Map<string, ForeignKey[]>,
  seen: Set<string>,
): Set<string> {
  const reached = new Set<string>()
  for (const key of keysTo.get(model) ?? []) {
    if (!WRITING_ACTIONS.has(key.onUpdate)) continue
    if (!key.references.some((field) => fields.includes(field))) continue
    reached.add(key.holder)
    const step = `update ${key.holder} ${key.fields.join(',')}`
    if (seen.has(step)) continue
    seen.add(step)
    for (const name of updateReach(key.holder, key.fields, keysTo, seen)) reached.add(name)
  }
  return reached
}

function sorted(names: Set<string>): string[] {
  return [...names].sort()
}
