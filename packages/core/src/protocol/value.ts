// How cached values are stored: as JSON text (which is also the HTTP body) plus the paths of the
// Dates in it, so that Dates come back as Dates. Anything JSON would silently change is refused.

import { GarnerError } from '../errors.js'
import { childPath, describe, isPlainObject, MAX_DEPTH } from '../keys/canonical.js'

/** A path from the root of a value to one of its members: object names and array indexes. */
export type ValuePath = readonly (string | number)[]

/** A value ready for the store: Garner's frozen copy, its JSON text and where its Dates are. */
export interface SerializedValue {
  /** `JSON.stringify(value)`: Dates as ISO strings, `undefined` object members left out. */
  readonly body: string
  /** Paths of the Dates in the value, so that reading it back restores them; empty when none. */
  readonly dates: readonly ValuePath[]
  /**
   * Garner's own deeply frozen copy of the value (Dates copied, not frozen): what every hit and
   * miss hands out, equal to parsing `body` back, and independent of the loader's object.
   */
  readonly value: unknown
}

/** Garner's copy of a loader's value, before its JSON text is written. */
export interface CopiedValue {
  /**
   * Garner's own deeply frozen copy of the value (Dates copied, not frozen): what every hit and
   * miss hands out, equal to parsing its JSON text back, and independent of the loader's object.
   */
  readonly value: unknown
  /** Paths of the Dates in the value, so that reading it back restores them; empty when none. */
  readonly dates: readonly ValuePath[]
  /**
   * About how many characters the JSON text has (strings and names exactly, numbers roughly): what
   * the in-process store sizes an entry by without writing the text.
   */
  readonly textLength: number
}

/**
 * Copies a loader's value for the store (see {@link serializeValue}, which also writes its text):
 * one walk checks it, copies it into Garner's frozen copy and finds its Dates. Getters on the
 * loader's object are read once, so what is stored, sent and handed out are the same data.
 */
export function copyValue(value: unknown): CopiedValue {
  const walk: Walk = { path: [], dates: [], chars: 0 }
  let copy: unknown
  try {
    copy = frozenCopy(value, walk)
  } catch (error) {
    if (error !== UNSUPPORTED) throw error
    // Walk again keeping the path, to say what was refused and where.
    check(value, [], [])
    // Only a value whose getters answer differently on a second read gets here.
    refuse([], 'a value that changed while Garner read it')
  }
  return { value: copy, dates: walk.dates, textLength: walk.chars }
}

/**
 * Serializes a loader's value for the store. Accepts what JSON round-trips exactly, plus Dates:
 * `null`, booleans, finite numbers, strings, arrays and plain objects of these, and valid Dates.
 * Object members that are `undefined` are left out, as JSON does, and `-0` is stored as `0`.
 * Anything else (a Map, a Set, a BigInt, `NaN`, a class instance, a function, a cycle, an
 * `undefined` array element) is refused with a `GarnerError` coded `GARNER_UNSERIALIZABLE`
 * naming its path, rather than stored altered.
 *
 * The text is the copy's ({@link copyValue}).
 */
export function serializeValue(value: unknown): SerializedValue {
  const { value: copy, dates } = copyValue(value)
  return { body: JSON.stringify(copy), dates, value: copy }
}

/** Where the walk is, what it found, and how long the text will be. */
interface Walk {
  readonly path: (string | number)[]
  readonly dates: ValuePath[]
  chars: number
}

/** Thrown by {@link frozenCopy} at anything it cannot keep; never leaves this file. */
const UNSUPPORTED: unique symbol = Symbol('unsupported')

// The fast walk of every miss: no error labels, and depth alone bounds nesting and cycles (a cycle
// nests without end); check() tells them apart when something is refused.
function frozenCopy(value: unknown, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
      walk.chars += value.length + 2
      return value
    case 'boolean':
      walk.chars += 5
      return value
    case 'number':
      if (!Number.isFinite(value)) throw UNSUPPORTED
      walk.chars += 8
      // -0 is written as 0: the copy says what the text says.
      return value === 0 ? 0 : value
    case 'object': {
      if (value === null) {
        walk.chars += 4
        return null
      }
      const { path } = walk
      if (value instanceof Date) {
        const time = value.getTime()
        if (Number.isNaN(time)) throw UNSUPPORTED
        walk.dates.push([...path])
        walk.chars += 26
        return new Date(time)
      }
      if (path.length >= MAX_DEPTH) throw UNSUPPORTED
      if (Array.isArray(value)) {
        const copy: unknown[] = []
        walk.chars += 2 + value.length
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index]
          // Stryker disable next-line ConditionalExpression: frozenCopy() refuses undefined itself (the default case); the check only says so sooner
          if (item === undefined) throw UNSUPPORTED
          path.push(index)
          copy.push(frozenCopy(item, walk))
          path.pop()
        }
        return Object.freeze(copy)
      }
      if (!isPlainObject(value)) throw UNSUPPORTED
      const copy: Record<string, unknown> = {}
      walk.chars += 2
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue
        const member = (value as Record<string, unknown>)[name]
        if (member === undefined) continue
        walk.chars += name.length + 4
        path.push(name)
        const kept = frozenCopy(member, walk)
        path.pop()
        // Assigning `__proto__` would set the prototype instead of adding the member.
        // Stryker disable next-line ConditionalExpression: defining every member (the `true` mutant) gives the same frozen members as assigning them; `false` is killed by a test
        if (name === '__proto__')
          Object.defineProperty(copy, name, { value: kept, enumerable: true })
        else copy[name] = kept
      }
      return Object.freeze(copy)
    }
    default:
      throw UNSUPPORTED
  }
}

// The slow walk, after frozenCopy() refused something: finds what and where, and refuses it with
// its path. `path` is the way from the root to `value`.
function check(value: unknown, path: (string | number)[], stack: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return
    case 'number':
      if (!Number.isFinite(value)) refuse(path, describe(value))
      return
    case 'object': {
      if (value === null) return
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) refuse(path, 'an invalid Date')
        return
      }
      if (stack.length >= MAX_DEPTH) refuse(path, `nested deeper than ${MAX_DEPTH} levels`)
      if (stack.includes(value)) refuse(path, 'a circular reference')
      stack.push(value)
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          path.push(index)
          if (!(index in value) || value[index] === undefined) {
            refuse(path, 'undefined (JSON would turn it into null)')
          }
          check(value[index], path, stack)
          path.pop()
        }
      } else {
        if (!isPlainObject(value)) refuse(path, describe(value))
        for (const name in value) {
          // Stryker disable next-line ConditionalExpression: for…in lists own members before inherited ones, and check() stops at the own member frozenCopy() refused
          if (!Object.hasOwn(value, name)) continue
          const member = (value as Record<string, unknown>)[name]
          if (member === undefined) continue
          path.push(name)
          check(member, path, stack)
          path.pop()
        }
      }
      stack.pop()
      return
    }
    default:
      refuse(path, describe(value))
  }
}

/** `value.user.tags[2]` for the path `['user', 'tags', 2]`. */
function labelOf(path: readonly (string | number)[]): string {
  let label = 'value'
  for (const step of path) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: childPath() writes a number as an index too
    label = typeof step === 'number' ? `${label}[${step}]` : childPath(label, step)
  }
  return label
}

function refuse(path: readonly (string | number)[], what: string): never {
  throw new GarnerError(
    'GARNER_UNSERIALIZABLE',
    `Garner cannot cache this value: ${labelOf(path)} is ${what}. Cached values are JSON data and Dates; ` +
      'convert the part first (for example a Map with Object.fromEntries, a BigInt with String) ' +
      'or return it from the loader in a JSON-compatible shape.',
  )
}

/** Reads a serialized value back: parses the JSON and turns the recorded paths back into Dates. */
export function deserializeValue(body: string, dates: readonly ValuePath[]): unknown {
  const value: unknown = JSON.parse(body)
  // Stryker disable next-line ConditionalExpression: a fast path; the loop below does nothing without Dates
  if (dates.length === 0) return value
  let root = value
  for (const path of dates) {
    if (path.length === 0) {
      root = new Date(root as string)
      continue
    }
    let parent = root as Record<string | number, unknown>
    for (let index = 0; index < path.length - 1; index++) {
      parent = parent[path[index]!] as Record<string | number, unknown>
    }
    const last = path[path.length - 1]!
    parent[last] = new Date(parent[last] as string)
  }
  return root
}

/**
 * Freezes a value and everything in it, so that callers sharing a cached value cannot change it
 * for each other. Dates are left as they are: freezing does not protect their time.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value
  Object.freeze(value)
  for (const member of Object.values(value)) deepFreeze(member)
  return value
}
