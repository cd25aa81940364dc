// Maps one Prisma model operation onto what it makes stale. The arguments are analysed before the
// write runs (so that a mistake surfaces before the database changes); the result completes the
// plan with the ids of the rows written, and a `count` of 0 means nothing changed.
import type { BindingId } from '@garner/core'
import { asList, countOf, member } from './args.js'
import { InvalidationTargets } from './invalidation-targets.js'
import {
  addDeleteEffects,
  addNestedWrites,
  addUpdateEffects,
  changesId,
  type WriteContext,
} from './nested-writes.js'
import { idFromInput, idFromRow, idFromWhere } from './row-id.js'
import { type ModelSchema, modelSchema } from './schema.js'

/** The targets of a write, given its result. */
export type WritePlan = (result: unknown) => InvalidationTargets

/** Prisma's model operations that write. */
export type WriteOperation =
  | 'create'
  | 'createMany'
  | 'createManyAndReturn'
  | 'update'
  | 'updateMany'
  | 'updateManyAndReturn'
  | 'upsert'
  | 'delete'
  | 'deleteMany'

/** Prisma's model operations that write. Every other operation reads and passes through. */
export const WRITE_OPERATIONS: readonly WriteOperation[] = [
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]

/** The plan of a write to `modelName`, or `undefined` when `operation` only reads. */
export function planWrite(
  context: WriteContext,
  modelName: string,
  operation: string,
  args: unknown,
): WritePlan | undefined {
  if (!isWriteOperation(operation)) return undefined
  const model = modelSchema(context.schema, modelName)
  const { exactText } = context
  const data = member(args, 'data')
  const where = member(args, 'where')
  // Targets known from the arguments: nested writes and referential actions.
  const known = new InvalidationTargets()
  // A batch operation that changed no row also triggered no referential action.
  const complete =
    (
      written: (result: unknown, targets: InvalidationTargets) => void,
      changedNothing: (result: unknown) => boolean = () => false,
    ): WritePlan =>
    (result) => {
      const targets = new InvalidationTargets()
      if (changedNothing(result)) return targets
      targets.add(known)
      written(result, targets)
      return targets
    }

  switch (operation) {
    case 'create':
      addNestedWrites(context, model, data, known)
      return complete((row, targets) => {
        targets.instance(modelName, idFromRow(model, row) ?? idFromInput(model, data, exactText))
      })
    case 'createMany': {
      const ids = asList(data).map((item) => idFromInput(model, item, exactText))
      return complete((_, targets) => addIds(targets, modelName, ids), countsNone)
    }
    case 'createManyAndReturn':
      return complete((rows, targets) => addIds(targets, modelName, rowIds(model, rows)), isEmpty)
    case 'update': {
      const rekeyed = planUpdate(context, model, data, known)
      // A new key leaves the old row's id to `where`: both rows' bindings go stale.
      if (rekeyed) known.instance(modelName, idFromWhere(model, where, exactText))
      return complete((row, targets) => {
        const id =
          idFromRow(model, row) ?? (rekeyed ? undefined : idFromWhere(model, where, exactText))
        targets.instance(modelName, id)
      })
    }
    case 'upsert': {
      addNestedWrites(context, model, member(args, 'create'), known)
      const rekeyed = planUpdate(context, model, member(args, 'update'), known)
      if (rekeyed) known.instance(modelName, idFromWhere(model, where, exactText))
      // A created row's key need not be the one `where` names: only the returned row tells.
      return complete((row, targets) => targets.instance(modelName, idFromRow(model, row)))
    }
    case 'updateMany':
      planUpdate(context, model, data, known)
      return complete((_, targets) => targets.model(modelName), countsNone)
    case 'updateManyAndReturn': {
      const rekeyed = planUpdate(context, model, data, known)
      return complete((rows, targets) => {
        if (rekeyed) targets.model(modelName)
        else addIds(targets, modelName, rowIds(model, rows))
      }, isEmpty)
    }
    case 'delete':
      addDeleteEffects(model, known)
      return complete((row, targets) => {
        targets.instance(modelName, idFromRow(model, row) ?? idFromWhere(model, where, exactText))
      })
    case 'deleteMany':
      addDeleteEffects(model, known)
      return complete((_, targets) => targets.model(modelName), countsNone)
    default:
      // A new write operation must be planned here: the compiler says so (operation is never).
      return unplanned(operation)
  }
}

function isWriteOperation(operation: string): operation is WriteOperation {
  return (WRITE_OPERATIONS as readonly string[]).includes(operation)
}

function unplanned(operation: never): never {
  throw new Error(`@garner/prisma has no invalidation plan for ${String(operation)}.`)
}

// Adds an update's nested writes and key-update effects; returns whether it may change the key.
function planUpdate(
  context: WriteContext,
  model: ModelSchema,
  data: unknown,
  known: InvalidationTargets,
): boolean {
  addUpdateEffects(model, data, known)
  addNestedWrites(context, model, data, known)
  return changesId(model, data)
}

// `{ count: 0 }` from createMany, updateMany, deleteMany.
function countsNone(result: unknown): boolean {
  return countOf(result) === 0
}

// No rows from createManyAndReturn, updateManyAndReturn.
function isEmpty(rows: unknown): boolean {
  return Array.isArray(rows) && rows.length === 0
}

function rowIds(model: ModelSchema, rows: unknown): (BindingId | undefined)[] {
  return asList(rows).map((row) => idFromRow(model, row))
}

// The instances by id; the whole model when one id is unknown (a `select` without the key …).
function addIds(
  targets: InvalidationTargets,
  modelName: string,
  ids: readonly (BindingId | undefined)[],
): void {
  if (ids.includes(undefined)) targets.model(modelName)
  else for (const id of ids) targets.instance(modelName, id)
}
