// The text form of an entry in a remote store: a small metadata record (what a 304 needs) and,
// under its own key, the body prefixed with the ETag it belongs to. Reading validates the shape,
// so garbage, another format or a half-written pair reads as absent instead of being served.
import { GarnerError } from '../errors.js'
import type { ValuePath } from '../protocol/value.js'
import type { EntryMeta } from './store.js'

/** Version of the metadata format; an entry of any other version reads as corrupt. */
export const ENTRY_FORMAT = 1

interface MetaJson {
  v: number
  t: string[]
  e: string
  m: number
  n: number
  d: ValuePath[]
  /** Expiry time in ms since the epoch, 0 for none: not every Keyv adapter expires keys itself. */
  x: number
  /**
   * Fresh-until time in ms since the epoch, 0 for none; left out when it equals `x` (no stale
   * window), which is also how entries written before stale windows existed read.
   */
  f?: number
}

/** The metadata record; `expires` is the expiry time in ms (0 for none). */
export function encodeMeta(meta: EntryMeta, expires: number): string {
  const json: MetaJson = {
    v: ENTRY_FORMAT,
    t: [...meta.tokens],
    e: meta.etag,
    m: meta.lastModified,
    n: meta.size,
    d: [...meta.dates],
    x: expires,
  }
  const freshUntil = meta.freshUntil === Number.POSITIVE_INFINITY ? 0 : meta.freshUntil
  if (freshUntil !== expires) json.f = freshUntil
  return JSON.stringify(json)
}

/**
 * Decodes stored metadata: `undefined` when it has expired, a `GARNER_CORRUPT_ENTRY` error for
 * anything malformed.
 */
export function decodeMeta(raw: unknown, key: string, now: number): EntryMeta | undefined {
  return decodeMetaRecord(raw, key, now)?.meta
}

/** Like {@link decodeMeta}, with the expiry time (ms since the epoch, 0 for none). */
export function decodeMetaRecord(
  raw: unknown,
  key: string,
  now: number,
): { meta: EntryMeta; expires: number } | undefined {
  if (typeof raw !== 'string') throw corrupt(key, `a ${typeof raw} instead of text`)
  let json: Partial<MetaJson>
  try {
    json = JSON.parse(raw) as Partial<MetaJson>
  } catch {
    throw corrupt(key, 'text that is not JSON')
  }
  if (typeof json !== 'object' || json === null) throw corrupt(key, 'JSON that is not an object')
  if (json.v !== ENTRY_FORMAT) throw corrupt(key, `format ${String(json.v)}, not ${ENTRY_FORMAT}`)
  const { t, e, m, n, d, x, f = x } = json
  if (!Array.isArray(t) || !t.every((token) => typeof token === 'string')) {
    throw corrupt(key, 'malformed tokens')
  }
  if (typeof e !== 'string' || !/^"[\x21\x23-\x7e]+"$/.test(e))
    throw corrupt(key, 'a malformed ETag')
  if (!Number.isSafeInteger(m) || (m as number) < 0 || (m as number) % 1000 !== 0) {
    throw corrupt(key, 'a malformed Last-Modified time')
  }
  if (!Number.isSafeInteger(n) || (n as number) < 0) throw corrupt(key, 'a malformed size')
  if (!Array.isArray(d) || !d.every(isValuePath)) throw corrupt(key, 'malformed Date paths')
  if (!Number.isSafeInteger(x) || (x as number) < 0) throw corrupt(key, 'a malformed expiry time')
  if (!Number.isFinite(f) || (f as number) < 0) throw corrupt(key, 'a malformed fresh-until time')
  if (x !== 0 && (x as number) <= now) return undefined
  return {
    meta: {
      tokens: t,
      etag: e,
      lastModified: m as number,
      size: n as number,
      dates: d,
      freshUntil: f === 0 ? Number.POSITIVE_INFINITY : (f as number),
    },
    expires: x as number,
  }
}

function isValuePath(path: unknown): path is ValuePath {
  return (
    Array.isArray(path) &&
    path.every((step) => typeof step === 'string' || (Number.isSafeInteger(step) && step >= 0))
  )
}

export function encodeBody(etag: string, body: string): string {
  return `${etag}\n${body}`
}

/**
 * The body, when `raw` is a body record of the version `etag` names; `undefined` when it is
 * absent or belongs to another version (the metadata and body are written separately).
 */
export function decodeBody(raw: unknown, etag: string, key: string): string | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'string') throw corrupt(key, `a ${typeof raw} instead of text`)
  const newline = raw.indexOf('\n')
  if (newline < 0) throw corrupt(key, 'a body without its ETag')
  return raw.slice(0, newline) === etag ? raw.slice(newline + 1) : undefined
}

function corrupt(key: string, what: string): GarnerError {
  return new GarnerError(
    'GARNER_CORRUPT_ENTRY',
    `Garner found ${what} under ${key}; it was treated as a miss and will be overwritten. ` +
      'Something other than Garner may be writing under its namespace.',
  )
}
