// The embedded default store: in process, bounded by entry count and by estimated bytes, so an
// application cannot grow without limit. It keeps values decoded, so a hit costs a few Map reads
// and no parsing. Eviction is CLOCK-like (second chance): a read marks a slot as recently used,
// and eviction gives marked slots another round instead of moving them on every read.
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
  readonly maxEntries: number
  readonly maxBytes: number
  private readonly slots = new Map<string, Slot>()
  private bytesUsed = 0

  constructor(options: MemoryStoreOptions = {}) {
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

  /** Drops everything. */
  clear(): void {
    this.slots.clear()
    this.bytesUsed = 0
  }

  read(keys: EntryKeys, tokenKeys: readonly string[], _withBody: boolean): Promise<StoreRead> {
    return Promise.resolve(this.readNow(keys, tokenKeys))
  }

  /** The synchronous read behind {@link read}: the hit path of the default store. */
  readNow(keys: EntryKeys, tokenKeys: readonly string[]): StoreRead {
    const now = Date.now()
    const record = this.live(keys.entry, now)?.record
    const tokens: (string | undefined)[] = new Array(tokenKeys.length)
    for (let index = 0; index < tokenKeys.length; index++) {
      tokens[index] = this.live(tokenKeys[index]!, now)?.token
    }
    return record === undefined
      ? { meta: undefined, body: undefined, hasValue: false, tokens }
      : { meta: record, body: record.body, value: record.value, hasValue: true, tokens }
  }

  readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
    const record = this.live(keys.entry, Date.now())?.record
    return Promise.resolve(record?.etag === etag ? record.body : undefined)
  }

  write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    // Strings are UTF-16 in memory; the value is counted once more, as about its JSON size.
    const size = SLOT_OVERHEAD + 2 * keys.entry.length + 4 * record.body.length
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
    if (previous !== undefined) this.remove(key, previous)
    this.slots.set(key, slot)
    this.bytesUsed += slot.size
    this.evict()
  }

  private remove(key: string, slot: Slot): void {
    this.slots.delete(key)
    this.bytesUsed -= slot.size
  }

  private evict(): void {
    // Each pass clears the marks it skips, so this ends within two passes over the slots.
    while (this.slots.size > this.maxEntries || this.bytesUsed > this.maxBytes) {
      const oldest = this.slots.entries().next().value
      if (oldest === undefined) return
      const [key, slot] = oldest
      this.slots.delete(key)
      if (slot.used && this.slots.size > 0) {
        slot.used = false
        this.slots.set(key, slot)
      } else {
        this.bytesUsed -= slot.size
      }
    }
  }
}

function expiry(ttl: number | undefined): number {
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
