// Bindings as surrogate keys, with the hierarchy of Garner's own invalidation: a response bound to
// ['User', 42] is tagged `User:42` and `User:*`, one bound to 'User' is tagged `User`, so purging
// `User:42` and `User` (an instance write) or `User` and `User:*` (a model-wide write) reaches
// exactly what the cache itself makes stale.
import { sha256Hex128 } from '../keys/hash.js'
import {
  type BindingId,
  type Bindings,
  type NormalBinding,
  normalizeBindings,
  normalizeId,
} from '../protocol/binding.js'
import type { SurrogateKeyHeader } from './purger.js'

/**
 * Longest surrogate key sent as is; longer ones are sent as `#` and 32 hex digits of their
 * SHA-256. Well inside every documented per-key limit (Fastly 1,024 bytes, Cloudflare 1,024).
 */
export const MAX_SURROGATE_KEY_LENGTH = 128

// Unreserved URI characters stay; everything else (separators, `:`, `*`, `%`, `#`, spaces,
// control and non-ASCII characters) is percent-encoded, so a key is always visible ASCII without
// spaces or commas, and `:` and `*` only ever appear as Garner's own structure.
const PLAIN = /^[A-Za-z0-9._~-]*$/

const UTF8 = new TextEncoder()

function encodePart(text: string): string {
  // Stryker disable next-line ConditionalExpression: a fast path; the loop below keeps a plain text as it is
  if (PLAIN.test(text)) return text
  let out = ''
  for (const byte of UTF8.encode(text)) {
    // A byte from 0x80 up never passes PLAIN (ASCII only), so it is always encoded.
    const char = String.fromCharCode(byte)
    out += PLAIN.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function bounded(key: string): string {
  return key.length > MAX_SURROGATE_KEY_LENGTH ? `#${sha256Hex128(key)}` : key
}

/**
 * An id's canonical text (see `normalizeId`) as a key part: `42` for a scalar, and
 * `field=value;field=value` (fields in canonical order) for a composite key.
 */
function idPart(idText: string): string {
  const id = JSON.parse(idText) as string | Record<string, string>
  if (typeof id === 'string') return encodePart(id)
  return Object.entries(id)
    .map(([field, value]) => `${encodePart(field)}=${encodePart(value)}`)
    .join(';')
}

/** The key of a model (`User`): on responses bound to the model, purged by any write to it. */
export function modelSurrogateKey(model: string): string {
  return bounded(encodePart(model))
}

/** The key of an instance (`User:42`): on responses bound to it, purged by a write to it. */
export function instanceSurrogateKey(model: string, idText: string): string {
  return bounded(`${encodePart(model)}:${idPart(idText)}`)
}

/** The key every response bound to some instance of the model carries (`User:*`). */
export function anyInstanceSurrogateKey(model: string): string {
  return bounded(`${encodePart(model)}:*`)
}

/**
 * The keys to purge for `invalidate(model, id)`: the instance's and the model's; or, without an
 * id, the model's and the any-instance key.
 */
export function purgeKeysOfText(model: string, idText: string | undefined): string[] {
  return idText === undefined
    ? [modelSurrogateKey(model), anyInstanceSurrogateKey(model)]
    : [instanceSurrogateKey(model, idText), modelSurrogateKey(model)]
}

/**
 * The surrogate keys `invalidate(model, id)` purges: `['User:42', 'User']`, or without an id
 * `['User', 'User:*']`. For purging by hand what Garner's responses are tagged with.
 */
export function purgeKeys(model: string, id?: BindingId): string[] {
  if (typeof model !== 'string' || model === '')
    throw new TypeError(`Garner: purgeKeys() needs a model name; got ${JSON.stringify(model)}.`)
  return purgeKeysOfText(model, id === undefined ? undefined : normalizeId(id, 'id'))
}

/**
 * The surrogate keys a public response with these bindings carries: `['User:42', 'User:*']` for
 * `['User', 42]`, `['User']` for `'User'`. For tagging responses Garner does not build itself.
 */
export function surrogateKeys(bindings: Bindings): string[] {
  return normalSurrogateKeys(normalizeBindings(bindings))
}

/** The keys a response with these bindings carries, deduplicated, in binding order. */
export function normalSurrogateKeys(bindings: readonly NormalBinding[]): string[] {
  const keys = new Set<string>()
  for (const { model, id } of bindings) {
    if (id === undefined) {
      keys.add(modelSurrogateKey(model))
    } else {
      keys.add(instanceSurrogateKey(model, id))
      keys.add(anyInstanceSurrogateKey(model))
    }
  }
  return [...keys]
}

/**
 * The header value carrying these bindings' keys, within `header.maxLength`. When the full list is
 * too long, the models with the most instances are coarsened one by one: their instance keys and
 * `Model:*` give way to the model key, which every write to the model purges (more purges, never
 * fewer). `undefined` when even the coarsest list does not fit: the response must then not be
 * kept by a shared cache at all.
 */
export function surrogateKeyHeaderValue(
  bindings: readonly NormalBinding[],
  header: SurrogateKeyHeader,
): string | undefined {
  if (bindings.length === 0) return undefined
  const value = normalSurrogateKeys(bindings).join(header.separator)
  if (value.length <= header.maxLength) return value
  const instances = new Map<string, number>()
  for (const { model, id } of bindings)
    if (id !== undefined) instances.set(model, (instances.get(model) ?? 0) + 1)
  const coarse = new Set<string>()
  const byCount = [...instances].sort((a, b) => b[1] - a[1]).map(([model]) => model)
  for (const model of byCount) {
    coarse.add(model)
    const keys = normalSurrogateKeys(
      bindings.map((binding) => (coarse.has(binding.model) ? { model: binding.model } : binding)),
    ).join(header.separator)
    if (keys.length <= header.maxLength) return keys
  }
  return undefined
}
