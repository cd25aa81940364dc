// The stand-in schema when garnerExtension() gets no generated one. Prisma 7's client knows its
// models and relation fields at run time (its runtime data model), but not their primary keys,
// foreign keys or referential actions. So every write invalidates whole models, and a write that
// may reach other rows (a delete, an update) invalidates every model connected to its model by
// relations: safe, and coarse. The garner-prisma generator gives the precise schema.
import { isPlainObject } from './args.js'
import type { GarnerSchema, ModelSchema, RelationSchema } from './schema.js'

interface RuntimeField {
  readonly name: string
  readonly kind: string
  readonly type: string
}

export function schemaFromRuntimeDataModel(client: unknown): GarnerSchema {
  const models = runtimeModels(client)
  const related = new Map<string, string[]>()
  for (const [name, fields] of models) {
    related.set(
      name,
      fields.filter((field) => field.kind === 'object').map((field) => field.type),
    )
  }
  const schema: Record<string, ModelSchema> = {}
  for (const [name, fields] of models) {
    const connected = component(name, related)
    const scalars = fields.filter((field) => field.kind !== 'object').map((field) => field.name)
    const relations: Record<string, RelationSchema> = {}
    // Foreign keys unknown: any relation write may change any of the model's fields.
    for (const field of fields) {
      if (field.kind === 'object') relations[field.name] = { model: field.type, fields: scalars }
    }
    schema[name] = {
      id: [],
      relations,
      onDelete: connected,
      onUpdate: Object.fromEntries(scalars.map((field) => [field, connected])),
    }
  }
  return { provider: 'unknown', models: schema }
}

function runtimeModels(client: unknown): Map<string, readonly RuntimeField[]> {
  // An internal member of Prisma Client: there is no public way to list models and relations.
  const dataModel = (client as { _runtimeDataModel?: unknown } | null)?._runtimeDataModel
  const models = isPlainObject(dataModel) ? dataModel.models : undefined
  if (!isPlainObject(models)) {
    throw new TypeError(
      'Garner: this Prisma Client does not describe its models at run time. Add the garner-prisma ' +
        'generator to your schema and pass its output: garnerExtension(garner, { schema: garnerSchema }).',
    )
  }
  const result = new Map<string, readonly RuntimeField[]>()
  for (const [name, model] of Object.entries(models)) {
    const fields = isPlainObject(model) && Array.isArray(model.fields) ? model.fields : []
    result.set(name, fields as RuntimeField[])
  }
  return result
}

// Every model reachable from `start` through relations, `start` included.
function component(start: string, related: Map<string, string[]>): string[] {
  const seen = new Set([start])
  const queue = [start]
  for (let model = queue.shift(); model !== undefined; model = queue.shift()) {
    for (const next of related.get(model) ?? []) {
      if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return [...seen].sort()
}
