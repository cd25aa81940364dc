// What a write changes beyond the rows it names: the rows of nested relation writes
// (`posts: { create: [...] }`, `connect`, `set` …) and the rows the database itself changes through
// referential actions (an `onDelete: Cascade`, a key update cascading to the rows that reference it).
import { asList, isPlainObject, member } from './args.js'
import type { InvalidationTargets } from './invalidation-targets.js'
import { idFromInput, idFromWhere } from './row-id.js'
import { type GarnerSchema, type ModelSchema, modelSchema } from './schema.js'

/** What write analysis needs besides the arguments. */
export interface WriteContext {
  readonly schema: GarnerSchema
  /** Whether the database compares String keys exactly, so a key written in `where` names one row. */
  readonly exactText: boolean
}

/**
 * Adds the targets of the relation writes nested in `data` (a create or update input of `model`):
 * the related rows where `where` or the nested data names them, their whole model otherwise, and
 * what deleting or re-keying them reaches.
 */
export function addNestedWrites(
  context: WriteContext,
  model: ModelSchema,
  data: unknown,
  targets: InvalidationTargets,
): void {
  if (!isPlainObject(data)) return
  for (const [field, writes] of Object.entries(data)) {
    const relation = Object.hasOwn(model.relations, field) ? model.relations[field] : undefined
    if (relation === undefined || !isPlainObject(writes)) continue
    const related = modelSchema(context.schema, relation.model)
    for (const [operation, value] of Object.entries(writes)) {
      addRelationWrite(context, relation.model, related, operation, value, targets)
    }
  }
}

function addRelationWrite(
  context: WriteContext,
  name: string,
  model: ModelSchema,
  operation: string,
  value: unknown,
  targets: InvalidationTargets,
): void {
  // `disconnect: false` and `delete: false` ask for nothing.
  if (value === undefined || value === false) return
  switch (operation) {
    case 'create':
      for (const item of asList(value)) {
        targets.instance(name, idFromInput(model, item, context.exactText))
        addNestedWrites(context, model, item, targets)
      }
      return
    case 'createMany':
      for (const item of asList(member(value, 'data'))) {
        targets.instance(name, idFromInput(model, item, context.exactText))
      }
      return
    case 'connect':
    case 'disconnect':
      // `disconnect: true` (a to-one relation) names no row: the id stays unknown.
      for (const item of asList(value)) {
        targets.instance(name, idFromWhere(model, item, context.exactText))
      }
      return
    case 'delete':
      for (const item of asList(value)) {
        targets.instance(name, idFromWhere(model, item, context.exactText))
      }
      addDeleteEffects(model, targets)
      return
    case 'update':
      for (const item of asList(value)) addNestedUpdate(context, name, model, item, targets)
      return
    case 'connectOrCreate':
      // Either branch may run, and a created row's key is unknown until it exists.
      targets.model(name)
      for (const item of asList(value))
        addNestedWrites(context, model, member(item, 'create'), targets)
      return
    case 'upsert':
      targets.model(name)
      for (const item of asList(value)) {
        addNestedWrites(context, model, member(item, 'create'), targets)
        addUpdateEffects(model, member(item, 'update'), targets)
        addNestedWrites(context, model, member(item, 'update'), targets)
      }
      return
    case 'updateMany':
      targets.model(name)
      for (const item of asList(value)) addUpdateEffects(model, member(item, 'data'), targets)
      return
    case 'deleteMany':
      targets.model(name)
      addDeleteEffects(model, targets)
      return
    default:
      // `set` replaces members that are not named anywhere; an operation this version does not
      // know could do anything to the related rows.
      targets.model(name)
  }
}

// A to-many update is `{ where, data }`; a to-one update is its data, or `{ where?, data }`.
function addNestedUpdate(
  context: WriteContext,
  name: string,
  model: ModelSchema,
  item: unknown,
  targets: InvalidationTargets,
): void {
  const wrapped =
    isPlainObject(item) &&
    Object.hasOwn(item, 'data') &&
    Object.keys(item).every((key) => key === 'data' || key === 'where')
  const data = wrapped ? member(item, 'data') : item
  const where = wrapped ? member(item, 'where') : undefined
  const rekeyed = changesId(model, data)
  targets.instance(name, rekeyed ? undefined : idFromWhere(model, where, context.exactText))
  addUpdateEffects(model, data, targets)
  addNestedWrites(context, model, data, targets)
}

/** Adds the models a delete of `model` rows reaches through referential actions. */
export function addDeleteEffects(model: ModelSchema, targets: InvalidationTargets): void {
  targets.models(model.onDelete)
}

/** Adds the models an update with `data` reaches by changing fields that other rows reference. */
export function addUpdateEffects(
  model: ModelSchema,
  data: unknown,
  targets: InvalidationTargets,
): void {
  for (const field of changedFields(model, data)) {
    if (Object.hasOwn(model.onUpdate, field)) targets.models(model.onUpdate[field]!)
  }
}

/** Whether an update with `data` may change the row's primary key. */
export function changesId(model: ModelSchema, data: unknown): boolean {
  const changed = changedFields(model, data)
  return model.id.some((field) => changed.includes(field.name))
}

// The scalar fields `data` sets, and the foreign keys its relation writes may set.
function changedFields(model: ModelSchema, data: unknown): string[] {
  if (!isPlainObject(data)) return []
  const fields: string[] = []
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue
    if (Object.hasOwn(model.relations, field)) fields.push(...model.relations[field]!.fields)
    else fields.push(field)
  }
  return fields
}
