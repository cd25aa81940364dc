// The entry a load produces. Its ETag and byte size are worked out when something first reads them
// (an HTTP answer, a remote store's write), not on every miss: a `fetch` served from the
// in-process store never needs them, and hashing the canonical form is most of a miss's cost.
import { utf8Length } from '../keys/utf8.js'
import type { EntryRecord } from '../store/store.js'
import { bodyHashEtag, canonicalHashEtag, computeEtag, type ETagStrategy } from './etag.js'
import type { SerializedValue, ValuePath } from './value.js'

/** The fields of a loaded entry that are known at once. */
export interface LoadedFields {
  readonly tokens: readonly string[]
  readonly lastModified: number
  readonly freshUntil: number
}

/** An entry just loaded: a record whose ETag and size are computed once, when first read. */
export class LoadedEntry implements EntryRecord {
  readonly tokens: readonly string[]
  readonly lastModified: number
  readonly freshUntil: number
  readonly body: string
  readonly value: unknown
  readonly dates: readonly ValuePath[]
  private tag: string | undefined
  private bytes = -1

  constructor(
    fields: LoadedFields,
    serialized: SerializedValue,
    private readonly strategy: ETagStrategy,
    private readonly variant: string | undefined,
    etag: string | undefined,
  ) {
    this.tokens = fields.tokens
    this.lastModified = fields.lastModified
    this.freshUntil = fields.freshUntil
    this.body = serialized.body
    this.value = serialized.value
    this.dates = serialized.dates
    this.tag = etag
  }

  get etag(): string {
    this.tag ??= computeEtag(this.strategy, this, this.variant)
    return this.tag
  }

  get size(): number {
    if (this.bytes < 0) this.bytes = utf8Length(this.body)
    return this.bytes
  }
}

/**
 * True when the tag of `serialized` may be computed later: a built-in strategy (it cannot fail on
 * a value Garner serialized) over data that cannot change meanwhile. Garner's copy is frozen, but
 * a Date in it can still be set, so a value with Dates gets its canonical tag at once. A custom
 * strategy runs at once too, so that its errors reach the fetch that loaded the value.
 */
export function etagCanWait(strategy: ETagStrategy, serialized: SerializedValue): boolean {
  return (
    strategy === bodyHashEtag || (strategy === canonicalHashEtag && serialized.dates.length === 0)
  )
}
