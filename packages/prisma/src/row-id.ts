// A row's id as a Garner binding id: its primary key value, or an object of the fields of a
// composite key. Values Prisma returns are exact, so any key type is read from a returned row;
// values written in `where` or `data` are read only when no other spelling can mean the same row.
import type { BindingId } from '@garner/core'
import { isPlainObject, member } from './args.js'
import type { ModelSchema } from './schema.js'

/** A primary key value as Prisma returns it (a `Decimal` is anything with `toFixed()`). */
export type IdValue = string | number | bigint | boolean | Date | Uint8Array | { toFixed(): string }

/** A primary key value, or the fields of a composite primary key (`{ userId: 1, groupSlug: 'a' }`). */
export type PrismaId = IdValue | { readonly [field: string]: IdValue }

/**
 * How a key value becomes a binding id: strings and numbers as they are (Garner compares ids as
 * text), a DateTime as its ISO string, a Decimal in plain notation, Bytes in hex.
 */
export function bindingIdValue(value: unknown): string | number | bigint | undefined {
  switch (typeof value) {
    case 'string':
    case 'bigint':
      return value
    case 'number':
      return Number.isFinite(value) ? value : undefined
    case 'boolean':
      return String(value)
    case 'object':
      if (value instanceof Date)
        return Number.isNaN(value.getTime()) ? undefined : value.toISOString()
      if (value instanceof Uint8Array) return hex(value)
      if (value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
        return (value as { toFixed(): string }).toFixed()
      }
      return undefined
    default:
      return undefined
  }
}

/** The id of a row Prisma returned, or `undefined` when the key is unknown or not selected. */
export function idFromRow(model: ModelSchema, row: unknown): BindingId | undefined {
  return idOf(model, (field) => bindingIdValue(member(row, field.name)))
}

/**
 * The id a `where` input names, read from the primary key (the compound key's object for a
 * composite one). Only key types whose input has one spelling are read: `Int`, `BigInt`, and
 * `String` where the database compares text exactly; a DateTime could be written as a Date or
 * as any ISO string, so such keys are left to the returned row or to model invalidation.
 */
export function idFromWhere(
  model: ModelSchema,
  where: unknown,
  exactText: boolean,
): BindingId | undefined {
  const source = model.compoundId === undefined ? where : member(where, model.compoundId)
  return idFromInput(model, source, exactText)
}

/** The id a `create` input sets explicitly, with the same reading rules as {@link idFromWhere}. */
export function idFromInput(
  model: ModelSchema,
  data: unknown,
  exactText: boolean,
): BindingId | undefined {
  if (!isPlainObject(data)) return undefined
  return idOf(model, (field) => {
    const value = data[field.name]
    switch (field.type) {
      case 'Int':
        return typeof value === 'number' && Number.isInteger(value) ? value : undefined
      case 'BigInt':
        return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
          ? value
          : undefined
      case 'String':
        return exactText && typeof value === 'string' ? value : undefined
      default:
        return undefined
    }
  })
}

function idOf(
  model: ModelSchema,
  read: (field: ModelSchema['id'][number]) => string | number | bigint | undefined,
): BindingId | undefined {
  if (model.id.length === 0) return undefined
  const values: Record<string, string | number | bigint> = {}
  for (const field of model.id) {
    const value = read(field)
    if (value === undefined) return undefined
    values[field.name] = value
  }
  return model.id.length === 1 ? values[model.id[0]!.name] : values
}

function hex(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0')
  return text
}
