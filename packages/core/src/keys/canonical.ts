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
  try {
    return encode(value, 0)
  } catch (error) {
    if (error !== UNSUPPORTED) throw error
  }
  // Something is unsupported: walk again, this time keeping the path, to say where. Keeping it on
  // every call would cost a string per member of every key and every ETag.
  locate(value, path, fail, 0)
  // Stryker disable next-line all: locate() always fails on a value encode() refused
  throw new TypeError(`Garner: ${path} cannot be encoded.`)
}

/** Thrown by {@link encode} when it meets something it cannot encode; never leaves this file. */
const UNSUPPORTED: unique symbol = Symbol('unsupported')

// Strings that JSON writes as they are between quotes: no quote, backslash, control character
// or surrogate (a lone one is escaped).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters JSON escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/** A string in JSON quotes, as `JSON.stringify` writes it (a plain one without the call). */
export function quoteJson(text: string): string {
  return PLAIN_STRING.test(text) ? `"${text}"` : JSON.stringify(text)
}

// The fast encoder. Depth bounds nesting, and cycles with it: a cycle nests without end, so it
// meets the bound, and locate() then names it for what it is.
function encode(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoteJson(value)
    case 'number':
      if (!Number.isFinite(value)) throw UNSUPPORTED
      // Stryker disable next-line ConditionalExpression: String(-0) is '0' too; the check skips the call for the commonest number
      return value === 0 ? '0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw UNSUPPORTED
        return `@${value.toISOString()}`
      }
      if (depth >= MAX_DEPTH) throw UNSUPPORTED
      if (Array.isArray(value)) {
        let text = '['
        for (let index = 0; index < value.length; index++) {
          if (index > 0) text += ','
          // Stryker disable next-line ConditionalExpression: encode() refuses the hole's undefined itself (the default case)
          if (!(index in value)) throw UNSUPPORTED
          text += encode(value[index], depth + 1)
        }
        return `${text}]`
      }
      if (!isPlainObject(value)) throw UNSUPPORTED
      const record = value as Record<string, unknown>
      let text = '{'
      for (const name of Object.keys(record).sort()) {
        const member = record[name]
        if (member === undefined) continue
        if (text.length > 1) text += ','
        text += `${quoteJson(name)}:${encode(member, depth + 1)}`
      }
      return `${text}}`
    }
    default:
      throw UNSUPPORTED
  }
}

/** Walks `value` as {@link encode} does, keeping the path, and calls `fail` where it refused. */
function locate(
  value: unknown,
  path: string,
  fail: Unsupported,
  depth: number,
  // Stryker disable next-line ArrayDeclaration: a placeholder string never equals the objects the stack is searched for
  stack: object[] = [],
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return
    case 'number':
      if (!Number.isFinite(value)) fail(path, describe(value))
      return
    case 'object': {
      if (value === null) return
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) fail(path, 'an invalid Date')
        return
      }
      if (stack.includes(value)) fail(path, 'a circular reference')
      if (depth >= MAX_DEPTH) fail(path, `a value nested deeper than ${MAX_DEPTH} levels`)
      stack.push(value)
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          if (!(index in value)) fail(`${path}[${index}]`, 'an empty array slot')
          locate(value[index], `${path}[${index}]`, fail, depth + 1, stack)
        }
      } else {
        if (!isPlainObject(value)) fail(path, describe(value))
        const record = value as Record<string, unknown>
        for (const name of Object.keys(record).sort()) {
          const member = record[name]
          if (member !== undefined) locate(member, childPath(path, name), fail, depth + 1, stack)
        }
      }
      stack.pop()
      return
    }
    default:
      fail(path, describe(value))
  }
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
