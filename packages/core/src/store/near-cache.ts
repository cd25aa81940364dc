// The near cache: a store driver that keeps, in this process, the decoded entries and generation
// tokens it has read from Redis, and answers a hit from there with no round trip. Redis keeps it
// coherent: every read goes through a tracking connection, so Redis tells this process when a
// key it holds changes, whoever wrote it. Writes go through the application's Keyv as before.
//
// Never serving from a period it could not hear about rests on three rules:
// - only what was read on the tracking connection is kept (a write through Keyv is not tracked);
// - a read keeps its answer only if nothing touched its keys between the moment it was sent and
//   the moment its answer arrived (each read claims its keys; an invalidation, a local write or a
//   loss of tracking revokes the claims);
// - answers from memory stop, and memory is emptied, as soon as tracking is lost; they stop too
//   while a heartbeat goes unanswered for longer than the lease, and resume once one is answered
//   (the connection delivers in order: every message sent before the answer has been applied).
import { GarnerError } from '../errors.js'
import { deepFreeze, deserializeValue } from '../protocol/value.js'
import type { MemoryTierStats } from '../stats.js'
import { ClusterRouter } from './cluster-router.js'
import { ClusterTracker } from './cluster-tracking.js'
import { decodeRead, type KeyvLike, KeyvStoreDriver } from './keyv-store.js'
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, MemoryStore } from './memory-store.js'
import { clusterOf, RedisClusterStoreDriver } from './redis-cluster-store.js'
import type {
  EntryKeys,
  EntryRecord,
  StoreDriver,
  StoreRead,
  TokenWrite,
  TokenWriteOptions,
} from './store.js'
import {
  type RedisClientLike,
  RedisTracker,
  type Tracker,
  type TrackerListener,
} from './tracking.js'

/** Options of the near cache: `createGarner({ store, nearCache: { maxEntries, maxBytes } })`. */
export interface NearCacheOptions {
  /** Most entries and tokens kept in this process. Default 10,000. */
  readonly maxEntries?: number
  /** Most bytes kept in this process, as estimated from key and body lengths. Default 64 MiB. */
  readonly maxBytes?: number
  /**
   * How often, in milliseconds, the tracking connection is pinged. An unanswered heartbeat stops
   * answers from memory after three intervals, until one is answered: the longest a process that
   * cannot hear Redis (paused, partitioned) keeps serving what it holds. Default 500.
   */
  readonly heartbeat?: number
}

/** What a near cache is doing right now: `garner.nearCache`. */
export interface NearCacheStatus {
  /** True while tracking is established and answers from memory are allowed. */
  readonly connected: boolean
  /** Entries and tokens held in this process. */
  readonly size: number
  /** Estimated bytes held in this process. */
  readonly bytes: number
  /** How many times the near cache was emptied because tracking was lost or Redis was flushed. */
  readonly resets: number
  /**
   * Resolves `true` once every invalidation Redis had sent to this process when it was called has
   * been applied (a ping on the tracking connection), `false` while tracking is down.
   */
  sync(): Promise<boolean>
}

/** Default {@link NearCacheOptions.heartbeat}, in milliseconds. */
export const DEFAULT_NEAR_CACHE_HEARTBEAT = 500
// Answers from memory continue for this many heartbeats after the last answered one was sent.
const LEASE_HEARTBEATS = 3

/** The part of `@keyv/redis`'s `KeyvRedis` the near cache needs. */
interface KeyvRedisLike {
  readonly client: RedisClientLike
  readonly namespace?: string | undefined
  createKeyPrefix(key: string, namespace?: string): string
}

export class NearCacheDriver implements StoreDriver, NearCacheStatus {
  readonly kind = 'keyv' as const
  // Misses, writes and invalidations go to Redis: the engine's timeouts and breaker apply.
  readonly remote = true
  private readonly local: MemoryStore
  private readonly tracker: Tracker
  // Each read in flight claims its keys with a token object; it may keep what it read for a key
  // only if the claim is still its own when the answer arrives.
  private readonly claims = new Map<string, object>()
  private resetCount = 0
  /** The store's refresh claim (SET NX PX on Redis), passed through: claims are never near. */
  readonly claim?: (key: string, ttl: number) => Promise<boolean>
  /** The store's release of a claim, passed through. */
  readonly release?: (key: string) => Promise<void>

  constructor(
    private readonly store: KeyvStoreDriver,
    private readonly redisPrefix: string,
    options: NearCacheOptions,
    createTracker: (listener: TrackerListener, heartbeat: number) => Tracker,
    private readonly onLost: (error: GarnerError) => void,
  ) {
    this.claim = store.claim
    this.release = store.release
    this.local = new MemoryStore(
      {
        maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      },
      'near',
    )
    const heartbeat = positive(options.heartbeat ?? DEFAULT_NEAR_CACHE_HEARTBEAT, 'heartbeat')
    this.tracker = createTracker(
      {
        invalidated: (key) => this.invalidated(key),
        lost: (reason) => this.lost(reason),
        stalled: (reason) => this.stalled(reason),
      },
      heartbeat,
    )
  }

  get connected(): boolean {
    return Date.now() < this.tracker.servingUntil
  }

  get size(): number {
    return this.local.size
  }

  get bytes(): number {
    return this.local.bytes
  }

  get resets(): number {
    return this.resetCount
  }

  /** The near tier's size and evictions, for `garner.stats()`. */
  memoryStats(): MemoryTierStats {
    return this.local.memoryStats()
  }

  sync(): Promise<boolean> {
    return this.tracker.sync()
  }

  readNow(keys: EntryKeys, tokenKeys: readonly string[], withBody = true): StoreRead | undefined {
    const now = Date.now()
    if (now >= this.tracker.servingUntil) return undefined
    const read = this.local.readAt(keys, tokenKeys, now, withBody)
    if (read.meta === undefined) return undefined
    for (let index = 0; index < read.tokens.length; index++) {
      if (read.tokens[index] === undefined) return undefined
    }
    return read
  }

  async read(keys: EntryKeys, tokenKeys: readonly string[], withBody: boolean): Promise<StoreRead> {
    const near = this.readNow(keys, tokenKeys, withBody)
    if (near !== undefined) return near
    if (!this.tracker.connected || Date.now() >= this.tracker.servingUntil) {
      // Tracking is down: the store answers, and nothing is kept.
      return this.store.read(keys, tokenKeys, withBody)
    }
    const claim = {}
    const claimed = [keys.entry, ...tokenKeys]
    for (const key of claimed) this.claims.set(key, claim)
    try {
      let raw: unknown[]
      try {
        const stored = this.store.placed(keys)
        raw = await this.tracker.read(
          [stored.entry, stored.body, ...tokenKeys].map((key) => this.redisPrefix + key),
        )
      } catch {
        // The tracking connection failed under this read: the store answers instead.
        return await this.store.read(keys, tokenKeys, withBody)
      }
      const read = decodeRead(raw, keys, tokenKeys, true)
      return this.keep(keys, tokenKeys, read, claim)
      // Stryker disable next-line BlockStatement: a claim left behind is never matched again (each read makes a new one) and goes with the next drop or reset; only memory is at stake
    } finally {
      // Stryker disable next-line ConditionalExpression: as above, keeping a finished read's claim changes no answer (never deleting); deleting a newer read's claim is tested
      for (const key of claimed) if (this.claims.get(key) === claim) this.claims.delete(key)
    }
  }

  async readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
    const near = this.readNow(keys, [])
    // Stryker disable next-line OptionalChaining: readNow returns a read only when it has meta, so `near?.meta.etag` reads the same (`near.meta` is tested)
    if (near?.meta?.etag === etag && near.body !== undefined) return near.body
    return this.store.readBody(keys, etag)
  }

  async write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    try {
      await this.store.write(keys, record, ttl)
    } finally {
      // What this process just wrote is not tracked (the write went through Keyv): the next read
      // fetches it through the tracking connection, which tracks it.
      this.drop(keys.entry)
    }
  }

  /** True when the store under the near cache isolates failures itself (a Redis Cluster). */
  get guardsItself(): boolean {
    return (this.store as StoreDriver).guardsItself === true
  }

  /** The store under the near cache confirms replication (`WAIT`) when it can. */
  get confirmsReplication(): boolean {
    return this.store.confirmsReplication
  }

  async writeTokens(
    tokens: readonly TokenWrite[],
    ttl: number | undefined,
    options?: TokenWriteOptions,
  ): Promise<void> {
    try {
      await this.store.writeTokens(tokens, ttl, options)
    } finally {
      // Read-your-writes: the old tokens go before the invalidation resolves, whether or not it
      // reached Redis (when it did not, the engine keeps these keys away from the store).
      for (const [key] of tokens) this.drop(key)
    }
  }

  async close(): Promise<void> {
    await this.tracker.close()
    this.local.clear()
    this.claims.clear()
  }

  /** Keeps what a tracked read returned, where its claims still stand, and returns the read. */
  private keep(
    keys: EntryKeys,
    tokenKeys: readonly string[],
    read: StoreRead,
    claim: object,
  ): StoreRead {
    const tokens: TokenWrite[] = []
    read.tokens.forEach((token, index) => {
      const key = tokenKeys[index]!
      if (token !== undefined && this.claims.get(key) === claim) tokens.push([key, token])
    })
    // Stryker disable next-line ConditionalExpression, EqualityOperator: writing no tokens changes nothing
    if (tokens.length > 0) void this.local.writeTokens(tokens, undefined)
    const { meta, body } = read
    // Stryker disable next-line ConditionalExpression, LogicalOperator: decodeRead leaves the body undefined whenever meta is, and an undefined body fails JSON.parse below, which returns the read unkept too (a corrupt read is tested)
    if (meta === undefined || body === undefined || read.corrupt !== undefined) return read
    let value: unknown
    try {
      value = deepFreeze(deserializeValue(body, meta.dates))
    } catch {
      // The engine reports the unreadable body and reloads.
      return read
    }
    if (this.claims.get(keys.entry) === claim) {
      const expires = read.expires ?? 0
      const ttl = expires === 0 ? undefined : expires - Date.now()
      // Stryker disable next-line ConditionalExpression, EqualityOperator: ttl <= 0 only when the clock ticked within this synchronous turn after decodeRead dropped expired entries, and a slot written so reads as expired (ttl > 0 is tested)
      if (ttl === undefined || ttl > 0) {
        void this.local.write(keys, { ...meta, body, value }, ttl)
      }
    }
    return { ...read, value, hasValue: true }
  }

  private drop(key: string): void {
    this.claims.delete(key)
    this.local.delete(key)
  }

  private invalidated(redisKey: string | null): void {
    if (redisKey === null) {
      this.reset()
      return
    }
    // Body keys are never held on their own: an entry and its body are written together, and the
    // entry's own invalidation drops both.
    if (redisKey.startsWith(this.redisPrefix))
      this.drop(this.store.unplaced(redisKey.slice(this.redisPrefix.length)))
  }

  private lost(reason: string): void {
    this.reset()
    this.onLost(
      new GarnerError(
        'GARNER_STORE_ERROR',
        `Garner's near cache lost its tracking connection to Redis (${reason}); it was emptied ` +
          'and reads go to the store until tracking is back, which happens by itself.',
      ),
    )
  }

  private stalled(reason: string): void {
    this.onLost(
      new GarnerError(
        'GARNER_STORE_ERROR',
        `Garner's near cache cannot hear Redis (${reason}); reads go to the store until Redis ` +
          'answers again, which the near cache notices by itself.',
      ),
    )
  }

  private reset(): void {
    this.resetCount += 1
    this.claims.clear()
    this.local.clear()
  }
}

/**
 * Creates the near-cache driver over a Keyv instance backed by `@keyv/redis`: its tracking
 * connection is a duplicate of the client that `KeyvRedis` holds, so there is nothing else to
 * configure.
 */
export function nearCacheDriver(
  keyv: KeyvLike,
  options: NearCacheOptions,
  onLost: (error: GarnerError) => void,
  storeTimeout: number,
): NearCacheDriver {
  const adapter = keyv.store as Partial<KeyvRedisLike> | undefined
  const cluster = clusterOf(keyv)
  if (cluster !== undefined) {
    // On a cluster Garner sends its own commands (no adapter prefix), and tracks every master.
    const store = new RedisClusterStoreDriver(keyv, cluster, { timeout: storeTimeout })
    const router = ClusterRouter.of(cluster)
    return new NearCacheDriver(
      store,
      store.prefix,
      options,
      (listener, heartbeat) =>
        new ClusterTracker(
          router,
          listener,
          { heartbeat, lease: LEASE_HEARTBEATS * heartbeat },
          storeTimeout,
        ),
      onLost,
    )
  }
  if (
    typeof adapter?.client?.duplicate !== 'function' ||
    typeof adapter.createKeyPrefix !== 'function'
  ) {
    throw new TypeError(
      'Garner: nearCache needs a Keyv instance backed by @keyv/redis ' +
        '(new Keyv(new KeyvRedis(url))): its coherence comes from Redis client tracking.',
    )
  }
  const store = new KeyvStoreDriver(keyv)
  // Garner's keys reach Redis with Keyv's prefix and then the adapter's: the near cache strips
  // both from the keys Redis names in its invalidations.
  const redisPrefix = adapter.createKeyPrefix(store.prefix, adapter.namespace)
  if (adapter.createKeyPrefix(`${store.prefix}k`, adapter.namespace) !== `${redisPrefix}k`) {
    throw new TypeError(
      'Garner: nearCache cannot tell how this Keyv adapter names keys in Redis; use @keyv/redis.',
    )
  }
  const client = adapter.client as RedisClientLike
  return new NearCacheDriver(
    store,
    redisPrefix,
    options,
    (listener, heartbeat) =>
      new RedisTracker(client, listener, { heartbeat, lease: LEASE_HEARTBEATS * heartbeat }),
    onLost,
  )
}

function positive(value: number, name: string): number {
  // Number.isFinite is false for anything that is not a number.
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Garner: nearCache ${name} must be a positive number; got ${value}.`)
  }
  return value
}
