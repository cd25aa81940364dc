// Bindings: which models and model instances a cached value depends on, and the generation
// tokens that make a write to them invalidate the value.
//
// Three kinds of token keep hierarchical invalidation to one store round trip each way:
//   model token     `tm`  read by values bound to the model        renewed by any write to the model
//   instance token  `ti`  read by values bound to that instance    renewed by a write to that instance
//   all token       `ta`  read by values bound to any instance     renewed by a model-wide write
// so `invalidate('Widget', 7)` renews ti(Widget,7) and tm(Widget), and `invalidate('Widget')`
// renews tm(Widget) and ta(Widget): every value bound to the model or any instance goes stale,
// and values bound to other instances stay fresh after an instance write.
import { canonicalJson, describe, isPlainObject } from '../keys/canonical.js'
import { storedKey } from '../keys/key.js'

/** A model instance's id: a primary key value, or the fields of a composite primary key. */
export type BindingId =
  | string
  | number
  | bigint
  | { readonly [field: string]: string | number | bigint }

/**
 * What a value is bound to: a model (`'Widget'`, `['Widget']`, `{ model: 'Widget' }`) or a model
 * instance (`['Widget', id]`, `{ model: 'Widget', id }`). Ids compare as text: `42` and `'42'`
 * are the same instance, so a route param and a database id bind the same row.
 */
export type Binding =
  | string
  | readonly [model: string]
  | readonly [model: string, id: BindingId]
  | { readonly model: string; readonly id?: BindingId | undefined }

/** One binding or a list of them. A two-element array `[string, id]` is always one instance. */
export type Bindings = Binding | readonly Binding[]

/** A binding in its normal form: the model, and the canonical text of the id for an instance. */
export interface NormalBinding {
  readonly model: string
  readonly id?: string
}

/** Normalizes any accepted binding form into a list, throwing a `TypeError` for malformed input. */
export function normalizeBindings(bindings: Bindings): NormalBinding[] {
  const normal: NormalBinding[] = []
  collect(bindings, normal, 'bind', -1)
  return normal
}

// Paths are only built when something is wrong: this runs on every fetch.
function pathOf(parent: string, index: number): string {
  return index < 0 ? parent : `${parent}[${index}]`
}

function collect(binding: unknown, normal: NormalBinding[], parent: string, index: number): void {
  const single = asSingle(binding, parent, index)
  if (single !== undefined) {
    normal.push(single)
    return
  }
  if (!Array.isArray(binding)) throw invalid(pathOf(parent, index), `is ${describe(binding)}`)
  const path = pathOf(parent, index)
  for (let item = 0; item < binding.length; item++) collect(binding[item], normal, path, item)
}

function asSingle(binding: unknown, parent: string, index: number): NormalBinding | undefined {
  if (typeof binding === 'string') return { model: modelName(binding, parent, index) }
  if (Array.isArray(binding)) {
    const model: unknown = binding[0]
    if (typeof model !== 'string') return undefined
    if (binding.length === 1) return { model: modelName(model, parent, index) }
    const id: unknown = binding[1]
    if (binding.length === 2 && (id === undefined || isIdShaped(id))) {
      return {
        model: modelName(model, parent, index),
        id: normalizeId(id, `${pathOf(parent, index)}[1]`),
      }
    }
    return undefined
  }
  if (typeof binding === 'object' && binding !== null && 'model' in binding) {
    const { model, id } = binding as { model: unknown; id?: unknown }
    if (typeof model !== 'string')
      throw invalid(`${pathOf(parent, index)}.model`, `is ${describe(model)}`)
    if (id === undefined) return { model: modelName(model, parent, index) }
    return {
      model: modelName(model, parent, index),
      id: normalizeId(id, `${pathOf(parent, index)}.id`),
    }
  }
  return undefined
}

function isIdShaped(id: unknown): boolean {
  if (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint') return true
  return typeof id === 'object' && id !== null && !Array.isArray(id) && !('model' in id)
}

function modelName(model: string, parent: string, index: number): string {
  if (model === '') throw invalid(pathOf(parent, index), 'has an empty model name')
  return model
}

/** The canonical text of an id: scalars as strings, composite ids as objects of strings. */
export function normalizeId(id: unknown, path: string): string {
  // Scalars first, without building anything: this runs on every fetch.
  // Stryker disable next-line ConditionalExpression,StringLiteral: a fast path; the general path below gives a string the same text
  if (typeof id === 'string') return JSON.stringify(id)
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a fast path; the general path below gives a finite number the same text
  if (typeof id === 'number' && Number.isFinite(id)) return `"${id}"`
  // Stryker disable next-line ConditionalExpression,StringLiteral: a fast path; the general path below gives a BigInt the same text
  if (typeof id === 'bigint') return `"${id}"`
  if (id === undefined) {
    throw invalid(
      path,
      'is undefined (a missing route parameter?); bind the model alone to mean any instance',
    )
  }
  return canonicalJson(
    idValue(id, path),
    (at, what) => {
      throw invalid(at, `is ${what}`)
    },
    path,
  )
}

// Stryker disable next-line ArrayDeclaration: a placeholder string never equals the objects `parents` is searched for
function idValue(id: unknown, path: string, parents: object[] = []): unknown {
  switch (typeof id) {
    case 'string':
      return id
    case 'number':
      if (!Number.isFinite(id)) throw invalid(path, `is ${describe(id)}`)
      return String(id)
    case 'bigint':
      return String(id)
    case 'object':
      // Arrays and Dates are objects too, but not plain ones.
      if (id !== null && isPlainObject(id)) {
        // A field that holds one of its own parents would recurse without end.
        if (parents.includes(id)) throw invalid(path, 'is a circular reference')
        const entries = Object.entries(id)
        // `{}` names no instance: most likely a value that was never filled in.
        if (entries.length === 0)
          throw invalid(path, 'is an empty object (a composite id names at least one field)')
        parents.push(id)
        const fields: Record<string, unknown> = {}
        for (const [field, value] of entries)
          fields[field] = idValue(value, `${path}.${field}`, parents)
        parents.pop()
        return fields
      }
      throw invalid(path, `is ${describe(id)}`)
    default:
      throw invalid(path, `is ${describe(id)}`)
  }
}

function invalid(path: string, problem: string): TypeError {
  return new TypeError(
    `Garner: binding ${path} ${problem}. A binding is 'Model', ['Model'], ['Model', id] or ` +
      '{ model, id }, or an array of these; an id is a string, a number, a BigInt, or a plain ' +
      'object of those for a composite key.',
  )
}

/** An id's canonical text read back: the id as text, or an object of texts for a composite key. */
export function readableId(idText: string): string | { readonly [field: string]: string } {
  return JSON.parse(idText) as string | { readonly [field: string]: string }
}

/** Token keys a value with these bindings reads, deduplicated and sorted. */
export function readTokenKeys(namespace: string, bindings: readonly NormalBinding[]): string[] {
  // Stryker disable next-line ConditionalExpression: a fast path; the general path below gives no keys too
  if (bindings.length === 0) return []
  // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path; the general path below gives the same two sorted keys
  if (bindings.length === 1) {
    // The common case, already in sorted order ('ta' < 'ti').
    const { model, id } = bindings[0]!
    return id === undefined
      ? [modelToken(namespace, model)]
      : [allToken(namespace, model), instanceToken(namespace, model, id)]
  }
  const keys = new Set<string>()
  for (const binding of bindings) {
    if (binding.id === undefined) {
      keys.add(modelToken(namespace, binding.model))
    } else {
      keys.add(instanceToken(namespace, binding.model, binding.id))
      keys.add(allToken(namespace, binding.model))
    }
  }
  return [...keys].sort()
}

/** Token keys an invalidation renews: instance + model, or model + all. */
export function invalidationTokenKeys(namespace: string, model: string, id?: string): string[] {
  return id === undefined
    ? [modelToken(namespace, model), allToken(namespace, model)]
    : [instanceToken(namespace, model, id), modelToken(namespace, model)]
}

function modelToken(namespace: string, model: string): string {
  return storedKey(namespace, 'tm', JSON.stringify(model))
}

function allToken(namespace: string, model: string): string {
  return storedKey(namespace, 'ta', JSON.stringify(model))
}

function instanceToken(namespace: string, model: string, id: string): string {
  return storedKey(namespace, 'ti', `[${JSON.stringify(model)},${id}]`)
}
