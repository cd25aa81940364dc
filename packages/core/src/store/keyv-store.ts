// The driver for any Keyv instance (Redis through @keyv/redis, …). Garner talks to the instance's
// storage adapter directly, in its own compact text format: Keyv's value envelope (a JSON wrapper
// parsed with a reviver, one await per row) costs more than a Redis round trip, and nobody but
// Garner reads Garner's keys. Every protocol step is one adapter call, so one round trip on
// adapters with getMany/setMany (MGET and MULTI on Redis).

import { GarnerError } from '../errors.js'
import { decodeBody, decodeMetaRecord, encodeBody, encodeMeta } from './entry-codec.js'
import type {
  Durability,
  EntryKeys,
  EntryRecord,
  StoreDriver,
  StoreRead,
  TokenWrite,
  TokenWriteOptions,
} from './store.js'

/** A Keyv storage adapter, as Garner uses it (`@keyv/redis`'s `KeyvRedis`, a `Map`, …). */
export interface KeyvStorageAdapter {
  get(key: string): unknown
  set(key: string, value: string, ttl?: number): unknown
  getMany?(keys: string[]): Promise<unknown[]>
  setMany?(entries: { key: string; value: string; ttl?: number }[]): unknown
}

/**
 * The part of a Keyv instance Garner uses: its storage adapter, its key prefix settings and its
 * `error` event. Any `Keyv` from `keyv` 5 fits.
 */
export interface KeyvLike {
  readonly store: unknown
  readonly namespace?: string | undefined
  readonly useKeyPrefix?: boolean
  /** Keyv's `error` event: Garner listens so that a failing store never crashes the process. */
  on?(event: 'error', listener: (error: unknown) => void): unknown
}

/** True when `value` looks like a Keyv instance with a usable storage adapter. */
export function isKeyvLike(value: unknown): value is KeyvLike {
  const candidate = value as { store?: Partial<KeyvStorageAdapter> } | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.store === 'object' &&
    candidate.store !== null &&
    typeof candidate.store.get === 'function' &&
    typeof candidate.store.set === 'function'
  )
}

/**
 * The Redis client behind `@keyv/redis`'s adapter (its `getClient()`), for the one command
 * Keyv's interface lacks: a set-if-absent with an expiry, which keeps a background refresh to
 * one across processes.
 */
interface RedisClaimClient {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>
  del(key: string): Promise<unknown>
}

function claimClientOf(adapter: unknown): (() => Promise<RedisClaimClient>) | undefined {
  const getClient = (adapter as { getClient?: unknown }).getClient
  if (typeof getClient !== 'function') return undefined
  return () => getClient.call(adapter) as Promise<RedisClaimClient>
}

/** The client of a single Redis under `@keyv/redis`, and the key its adapter would write. */
interface RedisPipeline {
  client(): Promise<{
    set(
      key: string,
      value: string,
      options?: { expiration: { type: 'PX'; value: number } },
    ): Promise<unknown>
  }>
  keyOf(key: string): string
}

function redisPipelineOf(adapter: unknown): RedisPipeline | undefined {
  const redis = adapter as { createKeyPrefix?: unknown; isCluster?: unknown; namespace?: string }
  const client = claimClientOf(adapter)
  if (
    client === undefined ||
    typeof redis.createKeyPrefix !== 'function' ||
    typeof redis.isCluster !== 'function' ||
    redis.isCluster.call(adapter) !== false
  )
    return undefined
  const createKeyPrefix = redis.createKeyPrefix as (key: string, namespace?: string) => string
  return {
    client: client as unknown as RedisPipeline['client'],
    // The adapter's own namespace, read on every write, as its own setMany does.
    keyOf: (key) => createKeyPrefix.call(adapter, key, redis.namespace),
  }
}

/** The `error` events one Keyv reported: how many, and the latest. */
interface ErrorTally {
  seen: number
  last: unknown
}

// One listener per Keyv, however many Garners (and drivers) share it: a listener per driver
// would pile up on an application's long-lived Keyv, and Node warns past ten. Weakly held, so a
// Keyv that is dropped takes its tally with it.
const tallies = new WeakMap<KeyvLike, ErrorTally>()

/** The error tally of `keyv`, listening on its `error` event the first time. */
function errorTallyOf(keyv: KeyvLike): ErrorTally {
  let tally = tallies.get(keyv)
  if (tally === undefined) {
    const created: ErrorTally = { seen: 0, last: undefined }
    keyv.on?.('error', function countKeyvError(error: unknown) {
      // Stryker disable next-line AssignmentOperator: counting down changes the tally as well; a call only looks for a change
      created.seen += 1
      created.last = error
    })
    tallies.set(keyv, created)
    tally = created
  }
  return tally
}

export class KeyvStoreDriver implements StoreDriver {
  readonly kind = 'keyv' as const
  readonly remote = true
  protected readonly adapter: KeyvStorageAdapter
  /** Keyv's own key prefix, which Garner puts before its keys. */
  readonly prefix: string
  // Keyv adapters often report a failure as an 'error' event and answer as if the key were
  // absent. Counting those events lets a call that saw one fail instead of lying. An event from a
  // concurrent call (of this Garner or another on the same Keyv) fails this one too:
  // conservative, never unsafe.
  private readonly errors: ErrorTally

  /** Present on Redis (`@keyv/redis`): `SET key 1 NX PX ttl`. */
  readonly claim?: (key: string, ttl: number) => Promise<boolean>
  /** Present with {@link claim}: `DEL key`. */
  readonly release?: (key: string) => Promise<void>

  /** A single Redis under `@keyv/redis`: its client and its key naming, for {@link writePair}. */
  private readonly redis: RedisPipeline | undefined

  constructor(keyv: KeyvLike) {
    this.adapter = keyv.store as KeyvStorageAdapter
    this.redis = redisPipelineOf(this.adapter)
    // Keyv's own key prefix, so that Keyv instances with different namespaces stay apart.
    this.prefix = keyv.useKeyPrefix !== false && keyv.namespace ? `${keyv.namespace}:` : ''
    this.errors = errorTallyOf(keyv)
    const client = claimClientOf(this.adapter)
    if (client !== undefined) {
      this.claim = async (key, ttl) => {
        const reply = await this.call(async () =>
          (await client()).set(this.prefix + key, '1', {
            condition: 'NX',
            expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttl)) },
          }),
        )
        return reply === 'OK'
      }
      this.release = async (key) => {
        await this.call(async () => (await client()).del(this.prefix + key))
      }
    }
  }

  async read(
    entryKeys: EntryKeys,
    tokenKeys: readonly string[],
    withBody: boolean,
  ): Promise<StoreRead> {
    const keys = this.placed(entryKeys)
    const storeKeys = withBody ? [keys.entry, keys.body, ...tokenKeys] : [keys.entry, ...tokenKeys]
    const raw = await this.call(() => this.getMany(storeKeys))
    return decodeRead(raw, keys, tokenKeys, withBody)
  }

  async readBody(entryKeys: EntryKeys, etag: string): Promise<string | undefined> {
    const keys = this.placed(entryKeys)
    const raw = await this.call(() => this.getOne(keys.body))
    return decodeBody(raw, etag, keys.body)
  }

  async write(entryKeys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    const keys = this.placed(entryKeys)
    const expires = ttl === undefined ? 0 : Date.now() + ttl
    await this.call(() =>
      this.writePair([
        withTtl(keys.entry, encodeMeta(record, expires), ttl),
        withTtl(keys.body, encodeBody(record.etag, record.body), ttl),
      ]),
    )
  }

  /**
   * Writes an entry's metadata and body. On a single Redis they go as two pipelined `SET`s (one
   * round trip) rather than `@keyv/redis`'s `MULTI … EXEC`: the pair needs no transaction, as the
   * body names the ETag it belongs to and a half-written pair reads as absent, and the
   * transaction's three extra commands and replies cost more than a 1 KB value's `SET`.
   */
  protected writePair(entries: { key: string; value: string; ttl?: number }[]): Promise<void> {
    const redis = this.redis
    if (redis === undefined) return this.setMany(entries)
    return redis.client().then((client) => {
      const writes = entries.map(({ key, value, ttl }) =>
        client.set(
          redis.keyOf(this.prefix + key),
          value,
          ttl === undefined ? undefined : { expiration: { type: 'PX', value: ttl } },
        ),
      )
      return Promise.all(writes).then(() => undefined)
    })
  }

  async writeTokens(
    tokens: readonly TokenWrite[],
    ttl: number | undefined,
    options?: TokenWriteOptions,
  ): Promise<void> {
    await this.call(() => this.setMany(tokens.map(([key, token]) => withTtl(key, token, ttl))))
    if (options?.durability !== undefined) await this.waitForReplicas(options.durability)
  }

  /** True when this store can confirm replication (`WAIT`): a Redis client under the adapter. */
  get confirmsReplication(): boolean {
    return typeof redisClientOf(this.adapter)?.sendCommand === 'function'
  }

  /** Where an entry's two keys are stored; the cluster driver gives them one slot. */
  placed(keys: EntryKeys): EntryKeys {
    return keys
  }

  /** The key Garner knows for a stored key (without Keyv's prefix): the inverse of {@link placed}. */
  unplaced(key: string): string {
    return key
  }

  // WAIT covers every write sent before it on the same connection: @keyv/redis writes through
  // the one connection of its client, so the tokens just written are among them.
  private async waitForReplicas(durability: Durability): Promise<void> {
    const client = redisClientOf(this.adapter)
    if (client?.sendCommand === undefined) return
    const acknowledged = Number(
      await client.sendCommand(['WAIT', String(durability.replicas), String(durability.timeout)]),
    )
    if (acknowledged < durability.replicas) throw notReplicated(acknowledged, durability)
  }

  protected async getOne(key: string): Promise<unknown> {
    return this.adapter.get(this.prefix + key)
  }

  protected getMany(keys: readonly string[]): Promise<unknown[]> {
    const prefixed = keys.map((key) => this.prefix + key)
    const { adapter } = this
    if (adapter.getMany !== undefined) return adapter.getMany(prefixed)
    return Promise.all(prefixed.map((key) => adapter.get(key)))
  }

  protected async setMany(entries: { key: string; value: string; ttl?: number }[]): Promise<void> {
    const prefixed = entries.map((entry) => ({ ...entry, key: this.prefix + entry.key }))
    const { adapter } = this
    if (adapter.setMany !== undefined) await adapter.setMany(prefixed)
    else await Promise.all(prefixed.map((entry) => adapter.set(entry.key, entry.value, entry.ttl)))
  }

  protected async call<T>(operation: () => Promise<T>): Promise<T> {
    const { errors } = this
    const before = errors.seen
    const result = await operation()
    if (errors.seen !== before) throw errors.last
    return result
  }
}

/**
 * Decodes what one read returned: `raw` holds the entry's metadata, its body when `withBody`, then
 * the tokens, as the adapter (or a Redis MGET of the same keys) answered them.
 */
export function decodeRead(
  raw: readonly unknown[],
  keys: EntryKeys,
  tokenKeys: readonly string[],
  withBody: boolean,
): StoreRead {
  const offset = withBody ? 2 : 1
  let corrupt: GarnerError | undefined
  // Stryker disable next-line ArrayDeclaration: an empty array grows to the same contents; the length only sizes it once
  const tokens: (string | undefined)[] = new Array(tokenKeys.length)
  for (let index = 0; index < tokenKeys.length; index++) {
    const token = raw[offset + index]
    if (token === undefined || token === null || typeof token === 'string') {
      tokens[index] = token ?? undefined
    } else {
      // A token that is not text reads as absent: it will be replaced by a fresh one, which
      // only invalidates what was bound to it.
      corrupt ??= corruptToken(tokenKeys[index]!)
      tokens[index] = undefined
    }
  }
  let meta: StoreRead['meta']
  let body: string | undefined
  let expires = 0
  try {
    const record =
      raw[0] === undefined || raw[0] === null
        ? undefined
        : decodeMetaRecord(raw[0], keys.entry, Date.now())
    meta = record?.meta
    expires = record?.expires ?? 0
    if (meta !== undefined && withBody) body = decodeBody(raw[1], meta.etag, keys.body)
  } catch (error) {
    corrupt ??= error as GarnerError
    meta = undefined
    body = undefined
  }
  return { meta, body, hasValue: false, tokens, corrupt, expires }
}

/** The Redis client under a `@keyv/redis` adapter, when there is one. */
export function redisClientOf(
  adapter: unknown,
): { sendCommand?: (args: string[]) => Promise<unknown> } | undefined {
  const client = (adapter as { client?: unknown } | null)?.client
  return typeof client === 'object' && client !== null
    ? (client as { sendCommand?: (args: string[]) => Promise<unknown> })
    : undefined
}

/** The error of an invalidation that fewer replicas than asked confirmed in time. */
export function notReplicated(acknowledged: number, durability: Durability): GarnerError {
  return new GarnerError(
    'GARNER_NOT_REPLICATED',
    `Garner's invalidation reached the Redis master, but ${acknowledged} of the ` +
      `${durability.replicas} replica(s) asked for confirmed it within ${durability.timeout} ms ` +
      '(WAIT). It was queued and will be retried; until it lands, values bound to it are not ' +
      'served from the cache by this process.',
  )
}

export function withTtl(
  key: string,
  value: string,
  ttl: number | undefined,
): { key: string; value: string; ttl?: number } {
  return ttl === undefined ? { key, value } : { key, value, ttl }
}

function corruptToken(key: string): GarnerError {
  return new GarnerError(
    'GARNER_CORRUPT_ENTRY',
    `Garner found a generation token under ${key} that is not text; it was replaced, which ` +
      'invalidates what was bound to it.',
  )
}
