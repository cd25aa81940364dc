// Keys: what a user may pass as a key, its canonical text, and the bounded key it is stored under.
import { canonicalJson } from './canonical.js'
import { sha256 } from './hash.js'

/**
 * A key part: a string, a number, a boolean, `null`, a `Date`, or an array or plain object of key
 * parts. Objects are canonical (`{a:1,b:2}` and `{b:2,a:1}` are the same key); object members
 * that are `undefined` are left out, as in JSON.
 */
export type KeyPart =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly KeyPart[]
  | { readonly [name: string]: KeyPart | undefined }

/** Longest canonical text stored as is; longer keys are stored under their SHA-256. */
export const MAX_PLAIN_KEY_LENGTH = 200

/**
 * The canonical text of a key. Throws a `TypeError` naming the path of the first part that is not
 * a {@link KeyPart} (a function, a symbol, a class instance, `NaN`, a cycle …).
 */
export function encodeKey(key: unknown, path = 'key'): string {
  return canonicalJson(key, rejectKeyPart, path)
}

function rejectKeyPart(path: string, what: string): never {
  throw new TypeError(
    `Garner: ${path} is ${what}, which cannot be part of a cache key. Keys are made of strings, ` +
      'numbers, booleans, null, Dates, and arrays or plain objects of these: convert the part ' +
      '(for example with String(x) or x.id) before passing it.',
  )
}

/**
 * The key a piece of data is stored under: `<namespace>:<kind>:<canonical text>`, or
 * `<namespace>:<kind>:#<sha256>` when the text is longer than {@link MAX_PLAIN_KEY_LENGTH}. A
 * canonical text never starts with `#`, so a hashed key never equals a plain one.
 */
export function storedKey(namespace: string, kind: string, canonical: string): string {
  return `${namespace}:${kind}:${keySuffix(canonical)}`
}

/** The canonical text itself, or `#<sha256>` of it when it is too long to store as is. */
export function keySuffix(canonical: string): string {
  return canonical.length > MAX_PLAIN_KEY_LENGTH ? `#${sha256(canonical)}` : canonical
}
