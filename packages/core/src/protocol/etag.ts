// ETag strategies: how an entry's entity-tag is computed from its value (Garner's ETag strategies).

import { GarnerError } from '../errors.js'
import { canonicalJson } from '../keys/canonical.js'
import { sha256Hex128 } from '../keys/hash.js'

/** What an ETag strategy sees: the loader's value and its serialized JSON body. */
export interface ETagInput {
  /** The loader's value, as Garner stores it: Garner's frozen copy. */
  readonly value: unknown
  /** The value's JSON text: the HTTP body the adapters send. */
  readonly body: string
}

/**
 * Computes the opaque part of a strong entity-tag (no quotes, no `W/`): visible ASCII except `"`,
 * at most 200 characters. Equal values must give equal tags, and different values different tags.
 */
export type ETagStrategy = (input: ETagInput) => string

/**
 * The default strategy: a 128-bit SHA-256 digest of the value's canonical serialization, so that
 * `{a:1,b:2}` and `{b:2,a:1}` share a tag and any change to the data changes it.
 */
export function canonicalHashEtag(input: ETagInput): string {
  return sha256Hex128(
    canonicalJson(
      input.value,
      (path, what) => {
        throw new GarnerError('GARNER_UNSERIALIZABLE', `Garner cannot hash ${path}: it is ${what}.`)
      },
      'value',
    ),
  )
}

/** A cheaper strategy: the digest of the JSON body as sent, so member order counts. */
export function bodyHashEtag(input: ETagInput): string {
  return sha256Hex128(input.body)
}

const OPAQUE_TAG = /^[\x21\x23-\x7e]{1,200}$/

/**
 * Runs a strategy and returns its tag quoted, as it appears in an `ETag` header. For an entry that
 * varies by caller, `variant` (the caller's part of the key) is mixed in: an ETag identifies a
 * representation, and a browser sends the tag it stored for one caller on another caller's
 * request to the same URL, so two variants must never share one, whatever the strategy (a
 * per-row version would otherwise give the admin's and the member's view the same tag).
 */
export function computeEtag(strategy: ETagStrategy, input: ETagInput, variant?: string): string {
  const tag = strategy(input)
  if (typeof tag !== 'string' || !OPAQUE_TAG.test(tag)) {
    throw new GarnerError(
      'GARNER_INVALID_ETAG',
      `Garner: the ETag strategy returned ${JSON.stringify(tag)}; it must return 1 to 200 visible ` +
        'ASCII characters without double quotes (Garner adds the quotes).',
    )
  }
  return variant === undefined ? `"${tag}"` : `"${sha256Hex128(`${tag}\u0000${variant}`)}"`
}
