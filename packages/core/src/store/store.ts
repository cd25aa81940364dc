// The contract between Garner's protocol and a storage backend. Drivers implement it: the bounded
// in-process store, and any Keyv instance (Redis through @keyv/redis, …).
import type { GarnerError } from '../errors.js'
import type { ValuePath } from '../protocol/value.js'
import type { MemoryTierStats } from '../stats.js'

/** What Garner keeps about a cached value besides the value: all a 304 needs. */
export interface EntryMeta {
  /** The generation tokens of the entry's bindings when its loader started, in token-key order. */
  readonly tokens: readonly string[]
  /** The strong, quoted ETag. */
  readonly etag: string
  /** Last-Modified in milliseconds since the epoch, a whole number of seconds. */
  readonly lastModified: number
  /** Byte length of the JSON body (UTF-8), for `Content-Length` without reading the body. */
  readonly size: number
  /** Paths of the Dates in the value. */
  readonly dates: readonly ValuePath[]
  /**
   * End of the entry's `ttl`, in milliseconds since the epoch (Garner's clock); `Infinity` for
   * an entry without one. The store may keep the entry longer (for the stale windows): Garner
   * decides freshness from this time, not from the store's expiry.
   */
  readonly freshUntil: number
}

/** A complete entry as written: the metadata, the JSON body, and the (frozen) value. */
export interface EntryRecord extends EntryMeta {
  readonly body: string
  readonly value: unknown
  /**
   * The body's length in characters, or an estimate of it while the body is not written yet
   * (Garner writes it when first read): lets the in-process store size an entry without it.
   */
  readonly bodyLength?: number
}

/** The two keys of an entry: its metadata and its body (a remote store keeps them apart). */
export interface EntryKeys {
  readonly entry: string
  readonly body: string
}

/** One read: the entry (if any) and the current tokens of the bindings, in one round trip. */
export interface StoreRead {
  readonly meta: EntryMeta | undefined
  /** The body when it was asked for, present, and belongs to `meta`. */
  readonly body: string | undefined
  /** The decoded value, when the store keeps values in process (no parsing needed). */
  readonly value?: unknown
  /** True when `value` holds the decoded value. */
  readonly hasValue: boolean
  /** The current token of each token key; `undefined` where there is none. */
  readonly tokens: readonly (string | undefined)[]
  /** When the entry expires, in ms since the epoch (0 for never), where the store says. */
  readonly expires?: number
  /** Which tier answered: the near cache (memory, no round trip) or the store. Default `store`. */
  readonly tier?: 'near' | 'store'
  /** Set when something under these keys could not be decoded (it reads as absent). */
  readonly corrupt?: GarnerError
}

/** A token key and the generation token to store under it. */
export type TokenWrite = readonly [key: string, token: string]

/** How many replicas must confirm an invalidation's tokens, and for how long to wait (`WAIT`). */
export interface Durability {
  readonly replicas: number
  /** Milliseconds. */
  readonly timeout: number
}

/** How a token write lands. */
export interface TokenWriteOptions {
  /**
   * Only where no token exists yet (first tokens of a miss): concurrent first fetches then all
   * adopt the one that landed first. A store that cannot do this overwrites; Garner reads the
   * tokens back either way.
   */
  readonly ifAbsent?: boolean
  /** Replicas that must confirm the write (invalidations with `invalidation.replicas`). */
  readonly durability?: Durability | undefined
  /**
   * Called before `writeTokens` rejects, with the token keys that did land (and were confirmed,
   * with `durability`): a store whose parts fail apart (a Redis Cluster's nodes) reports them so
   * that only the others are retried. A store that writes all or nothing never calls it.
   */
  readonly landed?: ((keys: readonly string[]) => void) | undefined
}

/**
 * A storage backend as Garner's protocol uses it. Every method is at most one round trip. The
 * engine never asks which store it has: what differs between stores is said here, as
 * capabilities (`remote`, `readNow`, `guardsItself`).
 */
export interface StoreDriver {
  /** A label for users (`garner.storeKind`); behaviour never depends on it. */
  readonly kind: 'memory' | 'keyv'
  /**
   * True when calls leave the process: the engine then puts a timeout and a circuit breaker
   * around every call, and queues invalidations that could not land.
   */
  readonly remote: boolean
  /**
   * The same read as {@link read}, answered synchronously from process memory (stores that offer
   * this keep decoded values, so a fetch needs no body: `withBody` is false then, and a store may
   * leave `body` out); `undefined` when only a round trip can answer. Optional: the engine's
   * synchronous hit path uses it when present.
   */
  readNow?(keys: EntryKeys, tokenKeys: readonly string[], withBody?: boolean): StoreRead | undefined
  /** Reads the entry's metadata (and body when `withBody`) together with the tokens. */
  read(keys: EntryKeys, tokenKeys: readonly string[], withBody: boolean): Promise<StoreRead>
  /** Reads the body alone; `undefined` when it is gone or belongs to another version than `etag`. */
  readBody(keys: EntryKeys, etag: string): Promise<string | undefined>
  /**
   * Writes an entry (metadata and body) with an optional time to live in milliseconds: how long
   * the store keeps it, which is its `ttl` plus the longest stale window.
   */
  write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void>
  /**
   * Writes generation tokens. With `durability`, resolves only once that many replicas hold
   * them, and throws `GARNER_NOT_REPLICATED` when they do not confirm in time.
   */
  writeTokens(
    tokens: readonly TokenWrite[],
    ttl: number | undefined,
    options?: TokenWriteOptions,
  ): Promise<void>
  /** Releases what the driver itself holds open (connections, timers). */
  close?(): Promise<void>
  /**
   * Sets `key` only if it is absent, to expire after `ttl` milliseconds; `true` when this call
   * set it. Optional: with it, processes sharing the store run one background refresh of a stale
   * entry between them (stale-while-revalidate) instead of one each.
   */
  claim?(key: string, ttl: number): Promise<boolean>
  /** Removes a key set by {@link claim}, once the refresh it guarded is over. */
  release?(key: string): Promise<void>
  /**
   * True when the driver applies timeouts and isolates failures itself, per part of the store
   * (per cluster node): Garner then opens no store-wide circuit.
   */
  readonly guardsItself?: boolean
  /**
   * True when `writeTokens` can honour `durability` (Redis `WAIT`): what
   * `invalidation.replicas` needs.
   */
  readonly confirmsReplication?: boolean
  /** Size and evictions of the in-process tier, for `garner.stats()`; absent without one. */
  memoryStats?(): MemoryTierStats
}

/** True when `value` implements {@link StoreDriver} (a store Garner can use without wrapping). */
export function isStoreDriver(value: unknown): value is StoreDriver {
  const candidate = value as Partial<StoreDriver> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.remote === 'boolean' &&
    typeof candidate.read === 'function' &&
    typeof candidate.readBody === 'function' &&
    typeof candidate.write === 'function' &&
    typeof candidate.writeTokens === 'function'
  )
}
