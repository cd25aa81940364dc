// The embedded default store: in process, bounded by entry count and by estimated bytes, so an
// application cannot grow without limit. It keeps values decoded, so a hit costs a few Map reads
// and no parsing. Eviction is CLOCK (second chance): a read marks a slot as recently used, and
// the eviction hand passes over marked slots once instead of moving them on every read.
import type { MemoryTierStats } from '../stats.js'
import type { EntryKeys, EntryRecord, StoreDriver, StoreRead, TokenWrite } from './store.js'

/** Bounds of the in-process store. */
export interface MemoryStoreOptions {
  /** Most entries and tokens kept at once. Default 10,000. */
  readonly maxEntries?: number
  /** Most bytes kept at once, as estimated from key and body lengths. Default 64 MiB. */
  readonly maxBytes?: number
}

/** Default {@link MemoryStoreOptions.maxEntries}. */
export const DEFAULT_MAX_ENTRIES = 10_000
/** Default {@link MemoryStoreOptions.maxBytes}: 64 MiB. */
export const DEFAULT_MAX_BYTES: number = 64 * 1024 * 1024

// Rough per-slot overhead of the Map entry and the slot object, in bytes.
const SLOT_OVERHEAD = 96

interface Slot {
  readonly record: EntryRecord | undefined
  readonly token: string | undefined
  readonly size: number
  readonly expires: number
  used: boolean
}

/** The bounded in-process store. Create one with {@link memoryStore}. */
export class MemoryStore implements StoreDriver {
  readonly kind = 'memory' as const
  readonly remote = false
  readonly maxEntries: number
  readonly maxBytes: number
  private readonly slots = new Map<string, Slot>()
  private hand: MapIterator<[string, Slot]> = this.slots.entries()
  private bytesUsed = 0
  private evictions = 0

  /**
   * @param tier What reads report as the answering tier: the in-process store is the store
   *   itself, except behind a near cache.
   */
  constructor(
    options: MemoryStoreOptions = {},
    private readonly tier: 'near' | 'store' = 'store',
  ) {
    this.maxEntries = positiveInteger(options.maxEntries ?? DEFAULT_MAX_ENTRIES, 'maxEntries')
    this.maxBytes = positiveInteger(options.maxBytes ?? DEFAULT_MAX_BYTES, 'maxBytes')
  }

  /** Entries and tokens currently held. */
  get size(): number {
    return this.slots.size
  }

  /** Estimated bytes currently held. */
  get bytes(): number {
    return this.bytesUsed
  }

  /** Size and evictions, for `garner.stats()`. */
  memoryStats(): MemoryTierStats {
    return {
      tier: this.tier,
      entries: this.slots.size,
      bytes: this.bytesUsed,
      evictions: this.evictions,
    }
  }

  /** Drops everything. */
  clear(): void {
    this.slots.clear()
    this.bytesUsed = 0
    this.hand = this.slots.entries()
  }

  /** Drops one entry or token. */
  delete(key: string): void {
    const slot = this.slots.get(key)
    if (slot !== undefined) this.remove(key, slot)
  }

  read(keys: EntryKeys, tokenKeys: readonly string[], withBody: boolean): Promise<StoreRead> {
    return Promise.resolve(this.readNow(keys, tokenKeys, withBody))
  }

  /** The synchronous read behind {@link read}: the hit path of the default store. */
  readNow(keys: EntryKeys, tokenKeys: readonly string[], withBody = true): StoreRead {
    return this.readAt(keys, tokenKeys, Date.now(), withBody)
  }

  /**
   * {@link readNow} at a given time (ms since the epoch), for a caller that already read the
   * clock. The body is left out unless `withBody`: the value is kept, and a loaded entry writes
   * its body only when first asked for it.
   */
  readAt(keys: EntryKeys, tokenKeys: readonly string[], now: number, withBody = true): StoreRead {
    const record = this.live(keys.entry, now)?.record
    // Stryker disable next-line ArrayDeclaration: an empty array grows to the same contents; the length only sizes it once
    const tokens: (string | undefined)[] = new Array(tokenKeys.length)
    for (let index = 0; index < tokenKeys.length; index++) {
      tokens[index] = this.live(tokenKeys[index]!, now)?.token
    }
    const { tier } = this
    return record === undefined
      ? { meta: undefined, body: undefined, hasValue: false, tokens, tier }
      : {
          meta: record,
          body: withBody ? record.body : undefined,
          value: record.value,
          hasValue: true,
          tokens,
          tier,
        }
  }

  readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
    const record = this.live(keys.entry, Date.now())?.record
    return Promise.resolve(record?.etag === etag ? record.body : undefined)
  }

  write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    // Strings are UTF-16 in memory; the value is counted once more, as about its JSON size. A
    // loaded entry's text may not be written yet: its estimated length counts for it.
    const length = record.bodyLength ?? record.body.length
    const size = SLOT_OVERHEAD + 2 * keys.entry.length + 4 * length
    this.put(keys.entry, { record, token: undefined, size, expires: expiry(ttl), used: false })
    return Promise.resolve()
  }

  writeTokens(tokens: readonly TokenWrite[], ttl: number | undefined): Promise<void> {
    const expires = expiry(ttl)
    for (const [key, token] of tokens) {
      const size = SLOT_OVERHEAD + 2 * (key.length + token.length)
      this.put(key, { record: undefined, token, size, expires, used: false })
    }
    return Promise.resolve()
  }

  private live(key: string, now: number): Slot | undefined {
    const slot = this.slots.get(key)
    if (slot === undefined) return undefined
    if (slot.expires <= now) {
      this.remove(key, slot)
      return undefined
    }
    slot.used = true
    return slot
  }

  private put(key: string, slot: Slot): void {
    const previous = this.slots.get(key)
    // A value larger than the whole bound is not kept, and does not flush everything else first.
    if (slot.size > this.maxBytes) {
      if (previous !== undefined) this.remove(key, previous)
      return
    }
    // An existing key is updated in place. Deleting and re-adding it would be simpler, but V8
    // makes a large Map pay O(n) for each delete-and-re-add of the same key, and a model's token
    // is rewritten on every write to that model.
    if (previous !== undefined) this.bytesUsed -= previous.size
    this.slots.set(key, slot)
    this.bytesUsed += slot.size
    this.evict(key)
  }

  private remove(key: string, slot: Slot): void {
    this.slots.delete(key)
    this.bytesUsed -= slot.size
  }

  /** Evicts until both bounds hold, never `written`, the slot this eviction makes room for. */
  private evict(written: string): void {
    // CLOCK: the hand walks the slots in insertion order, clearing the marks of recently read
    // slots and evicting the first unmarked one. It is one live iterator kept across calls: a
    // fresh iterator would start at the front and step over every slot deleted before it (V8
    // keeps deleted entries until it rehashes), which made each eviction cost O(n).
    while (this.slots.size > this.maxEntries || this.bytesUsed > this.maxBytes) {
      let next = this.hand.next()
      if (next.done) {
        this.hand = this.slots.entries()
        next = this.hand.next()
        // Stryker disable next-line ConditionalExpression: unreachable while a bound is exceeded, as the map then holds a slot besides the one just written
        if (next.done) return
      }
      const [key, slot] = next.value
      // New slots are appended where the hand may be about to pass: without this, once the hand
      // had passed the newest slot, every later write would evict itself and nothing new would
      // be cached again.
      if (key === written) continue
      // A marked slot gets a second chance: the hand clears its mark and moves on. (A single slot
      // never needs evicting, as it fits both bounds, so the walk always ends.)
      if (slot.used) slot.used = false
      else {
        this.remove(key, slot)
        this.evictions++
      }
    }
  }
}

function expiry(ttl: number | undefined): number {
  // Stryker disable next-line ConditionalExpression: Date.now() + undefined is NaN, which never compares as expired either
  return ttl === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttl
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`Garner: memoryStore ${name} must be a positive integer; got ${value}.`)
  }
  return value
}

/**
 * Creates the bounded in-process store (the default when `createGarner` gets no `store`). Pass
 * one explicitly to change its bounds: `createGarner({ store: memoryStore({ maxEntries: 50_000 }) })`.
 */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options)
}
