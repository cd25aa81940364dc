// binding(prisma.user, id): bindings to Prisma rows without writing model names by hand. The name
// comes from the model delegate, typed from the schema, and ids are normalized the way the
// extension normalizes the ids it invalidates, so both always name the same instance.
import type { BindingId } from '@garner/core'
import { isPlainObject } from './args.js'
import { bindingIdValue, type PrismaId } from './row-id.js'

/** A Prisma model delegate such as `prisma.user` (its `fields` carry the model name in their types). */
export interface ModelDelegate {
  readonly fields: object
}

/** The model name of a delegate type: `ModelNameOf<typeof prisma.user>` is `'User'`. */
export type ModelNameOf<Delegate extends ModelDelegate> =
  Delegate['fields'][keyof Delegate['fields']] extends {
    readonly modelName: infer Name extends string
  }
    ? Name
    : string

/**
 * A binding whose model is one of `ModelName`, for bindings written by hand:
 * `const bound: ModelBinding<Prisma.ModelName> = ['User', 42]` does not compile with a misspelt model.
 */
export type ModelBinding<ModelName extends string> =
  | ModelName
  | readonly [model: ModelName]
  | readonly [model: ModelName, id: BindingId]
  | { readonly model: ModelName; readonly id?: BindingId }

/**
 * The binding of a model (`binding(prisma.post)` is `'Post'`) or of one row
 * (`binding(prisma.user, 42)` is `['User', 42]`). A composite key is given as an object of its
 * fields (`binding(prisma.membership, { userId: 1, groupSlug: 'admins' })`); a DateTime key
 * becomes its ISO string, a Decimal its plain notation, Bytes hex, as in the extension.
 */
export function binding<Delegate extends ModelDelegate>(delegate: Delegate): ModelNameOf<Delegate>
export function binding<Delegate extends ModelDelegate>(
  delegate: Delegate,
  id: PrismaId,
): readonly [ModelNameOf<Delegate>, BindingId]
export function binding(
  delegate: ModelDelegate,
  ...id: [] | [PrismaId]
): string | readonly [string, BindingId] {
  // `$name` is the model name Prisma gives every delegate (`Prisma.getExtensionContext(this).$name`).
  const model = (delegate as { $name?: unknown } | null)?.$name
  if (typeof model !== 'string' || model === '') {
    throw new TypeError(
      'Garner: binding() needs a Prisma model delegate such as prisma.user as its first argument.',
    )
  }
  if (id.length === 0) return model
  return [model, normalizeId(model, id[0])]
}

function normalizeId(model: string, id: unknown): BindingId {
  if (isPlainObject(id)) {
    const fields: Record<string, string | number | bigint> = {}
    for (const [field, value] of Object.entries(id))
      fields[field] = normalizeValue(model, value, `.${field}`)
    return fields
  }
  return normalizeValue(model, id, '')
}

function normalizeValue(model: string, value: unknown, path: string): string | number | bigint {
  const normalized = bindingIdValue(value)
  if (normalized === undefined) {
    throw new TypeError(
      `Garner: binding(${model}) got the id${path} ${describe(value)}; an id is a primary key value ` +
        '(string, number, BigInt, Date, Decimal, Bytes) or an object of them for a composite key.' +
        (value === undefined ? ' Is a route parameter missing?' : ''),
    )
  }
  return normalized
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'number') return String(value)
  return typeof value === 'object'
    ? `a ${value.constructor?.name ?? 'null-prototype object'}`
    : `a ${typeof value}`
}
