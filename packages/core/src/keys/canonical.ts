// Canonical, collision-free text for JSON-like values: the basis of keys and of default ETags.
//
// The encoding is JSON with object members sorted by name, Dates written as `@<ISO time>` (a form
// JSON text cannot contain outside a string, so a Date never collides with a string), `-0` as `0`,
// and object members whose value is `undefined` left out, as JSON.stringify does. Because every
// string is JSON-quoted, separators inside strings cannot fake structure: ['a:b','c'] and
// ['a','b:c'] encode differently.

/** Called when a value cannot be encoded; it must throw. */
export type Unsupported = (path: string, what: string) => never

/** How deeply keys and values may nest: deeper ones are refused (and cycles with them). */
export const MAX_DEPTH = 200

/** Encodes `value` canonically, calling `fail` with the path of the first unsupported part. */
export function canonicalJson(value: unknown, fail: Unsupported, path = 'key'): string {
  return encode(value, path, fail, [], 0)
}

function encode(
  value: unknown,
  path: string,
  fail: Unsupported,
  stack: object[],
  depth: number,
): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) fail(path, describe(value))
      return value === 0 ? '0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (value instanceof Date) {
        const time = value.getTime()
        if (Number.isNaN(time)) fail(path, 'an invalid Date')
        return `@${value.toISOString()}`
      }
      if (depth >= MAX_DEPTH) fail(path, `a value nested deeper than ${MAX_DEPTH} levels`)
      if (stack.includes(value)) fail(path, 'a circular reference')
      stack.push(value)
      const text = Array.isArray(value)
        ? encodeArray(value, path, fail, stack, depth)
        : encodeObject(value, path, fail, stack, depth)
      stack.pop()
      return text
    }
    default:
      return fail(path, describe(value))
  }
}

function encodeArray(
  array: readonly unknown[],
  path: string,
  fail: Unsupported,
  stack: object[],
  depth: number,
): string {
  let text = '['
  for (let index = 0; index < array.length; index++) {
    if (index > 0) text += ','
    if (!(index in array)) fail(`${path}[${index}]`, 'an empty array slot')
    text += encode(array[index], `${path}[${index}]`, fail, stack, depth + 1)
  }
  return `${text}]`
}

function encodeObject(
  object: object,
  path: string,
  fail: Unsupported,
  stack: object[],
  depth: number,
): string {
  if (!isPlainObject(object)) fail(path, describe(object))
  const record = object as Record<string, unknown>
  const names = Object.keys(record).sort()
  let text = '{'
  let first = true
  for (const name of names) {
    const member = record[name]
    if (member === undefined) continue
    if (!first) text += ','
    first = false
    text += `${JSON.stringify(name)}:${encode(member, childPath(path, name), fail, stack, depth + 1)}`
  }
  return `${text}}`
}

/** True for `{}` literals and `Object.create(null)` objects: the only objects JSON round-trips. */
export function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** `parent.name` for identifiers, `parent["odd name"]` otherwise. */
export function childPath(parent: string, name: string): string {
  if (!IDENTIFIER.test(name)) return `${parent}[${JSON.stringify(name)}]`
  return parent === '' ? name : `${parent}.${name}`
}

/** A short human description of a value's kind, for error messages. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined'
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    case 'bigint':
      return 'a BigInt'
    case 'number':
      return Number.isNaN(value) ? 'NaN' : String(value)
    case 'object': {
      if (value === null) return 'null'
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name
      if (typeof name === 'string' && name !== '' && name !== 'Object') {
        return `an instance of ${name}`
      }
      return 'an object'
    }
    default:
      return typeof value
  }
}
