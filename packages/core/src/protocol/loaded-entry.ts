// The entry a load produces. Its JSON text, ETag and byte size are worked out when something first
// reads them (an HTTP answer, a remote store's write), not on every miss: a `fetch` answered by
// the in-process store needs none of them, and writing and hashing the text is most of a miss.
import { utf8Length } from '../keys/utf8.js'
import type { EntryRecord } from '../store/store.js'
import { bodyHashEtag, canonicalHashEtag, computeEtag, type ETagStrategy } from './etag.js'
import type { CopiedValue, ValuePath } from './value.js'

/** The fields of a loaded entry that are known at once. */
export interface LoadedFields {
  readonly tokens: readonly string[]
  readonly lastModified: number
  readonly freshUntil: number
}

/** An entry just loaded: a record whose body, ETag and size are computed once, when first read. */
export class LoadedEntry implements EntryRecord {
  readonly tokens: readonly string[]
  readonly lastModified: number
  readonly freshUntil: number
  readonly value: unknown
  readonly dates: readonly ValuePath[]
  private text: string | undefined
  private tag: string | undefined
  private bytes = -1
  private readonly estimate: number

  /**
   * `known` holds the body and tag when they were computed already; otherwise they are computed
   * when first read, the tag by `strategy` (with `variant` mixed in).
   */
  constructor(
    fields: LoadedFields,
    copied: CopiedValue,
    private readonly strategy: ETagStrategy,
    private readonly variant: string | undefined,
    known: { readonly body: string | undefined; readonly etag: string | undefined },
  ) {
    this.tokens = fields.tokens
    this.lastModified = fields.lastModified
    this.freshUntil = fields.freshUntil
    this.value = copied.value
    this.dates = copied.dates
    this.estimate = copied.textLength
    this.text = known.body
    this.tag = known.etag
  }

  get body(): string {
    this.text ??= JSON.stringify(this.value)
    return this.text
  }

  get bodyLength(): number {
    return this.text === undefined ? this.estimate : this.text.length
  }

  get etag(): string {
    this.tag ??= computeEtag(this.strategy, this, this.variant)
    return this.tag
  }

  get size(): number {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: measuring again gives the same length; the check keeps the first
    if (this.bytes < 0) this.bytes = utf8Length(this.body)
    return this.bytes
  }
}

/**
 * True when the text and tag of `copied` may be computed later: Garner's copy is frozen, but a
 * Date in it can still be set, so a value with Dates gets them at once; so does a value under a
 * custom strategy, so that its errors reach the fetch that loaded the value. The built-in
 * strategies cannot fail on a value Garner copied.
 */
export function canWait(strategy: ETagStrategy, copied: CopiedValue): boolean {
  return copied.dates.length === 0 && (strategy === canonicalHashEtag || strategy === bodyHashEtag)
}
