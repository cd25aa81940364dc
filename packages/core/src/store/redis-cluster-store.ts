// The driver for Keyv over a Redis Cluster (`new KeyvRedis(createCluster(…))`). It talks to the
// cluster client under the adapter, because a hit must survive what @keyv/redis 5 does not: it
// groups the keys of one call by node and sends one pipelined batch per node, all in parallel
// (Redis refuses MGET across slots even on one node, so a batch holds one MGET per slot); it
// sends through the cluster client's routing, which follows MOVED and ASK; it keeps one circuit
// breaker per node, so a dead master only affects the keys it served; and it refreshes the slot
// map as soon as a node fails, so the promoted replica takes over without a restart.

import { BoundedCache } from '../keys/bounded-cache.js'
import { ClusterRouter, type RedisClusterLike } from './cluster-router.js'
import { entryHashTag } from './cluster-slot.js'
import { type KeyvLike, KeyvStoreDriver, notReplicated } from './keyv-store.js'
import type { EntryKeys, TokenWrite, TokenWriteOptions } from './store.js'

export type { RedisClusterLike } from './cluster-router.js'

// Entries whose placed keys are remembered: as many as Garner's own key caches hold.
const PLACEMENT_MEMORY = 10_000

/** The cluster client under a Keyv instance's `@keyv/redis` adapter, if it is one. */
export function clusterOf(keyv: KeyvLike): RedisClusterLike | undefined {
  const client = (keyv.store as { client?: Partial<RedisClusterLike> } | null)?.client
  if (
    typeof client === 'object' &&
    client !== null &&
    Array.isArray(client.slots) &&
    Array.isArray(client.masters) &&
    typeof client.sendCommand === 'function'
  )
    return client as RedisClusterLike
  return undefined
}

export class RedisClusterStoreDriver extends KeyvStoreDriver {
  readonly guardsItself = true
  private readonly router: ClusterRouter
  private readonly timeout: number
  private readonly placements = new BoundedCache<string, { of: string; placed: EntryKeys }>(
    PLACEMENT_MEMORY,
  )

  constructor(keyv: KeyvLike, cluster: RedisClusterLike, options: { readonly timeout: number }) {
    super(keyv)
    // Every Garner on one cluster client shares its router: one breaker per node, one refresh.
    this.router = ClusterRouter.of(cluster)
    this.timeout = options.timeout
  }

  override get confirmsReplication(): boolean {
    return true
  }

  // Each node takes its tokens (and confirms them, with durability) on its own: a dead master
  // fails only its part, and the keys that landed elsewhere are reported so that only its part
  // is retried.
  override async writeTokens(
    tokens: readonly TokenWrite[],
    ttl: number | undefined,
    options?: TokenWriteOptions,
  ): Promise<void> {
    if (!this.router.ready) await this.router.connected(this.timeout)
    const values = new Map<string, string>()
    for (const [key, token] of tokens) values.set(this.prefix + key, token)
    const ifAbsent = options?.ifAbsent === true
    const durability = options?.durability
    const byNode = this.router.groupByNode([...values.keys()])
    const outcomes = await Promise.allSettled(
      [...byNode].map(([address, slots]) =>
        this.router.guard(address, this.timeout).call(async () => {
          const keys = [...slots.values()].flatMap((group) => group.keys)
          await Promise.all(
            keys.map((key) => {
              const args = ['SET', key, values.get(key)!]
              if (ttl !== undefined) args.push('PX', String(ttl))
              if (ifAbsent) args.push('NX')
              return this.router.cluster.sendCommand(key, false, args)
            }),
          )
          // WAIT covers every write sent before it on this node's connection.
          const acknowledged =
            durability === undefined
              ? Number.POSITIVE_INFINITY
              : Number(
                  await this.router.cluster.sendCommand(keys[0]!, false, [
                    'WAIT',
                    String(durability.replicas),
                    String(durability.timeout),
                  ]),
                )
          return { keys, acknowledged }
        }),
      ),
    )
    const landed: string[] = []
    let failure: unknown
    let fewest = Number.POSITIVE_INFINITY
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        failure ??= outcome.reason
        continue
      }
      const { keys, acknowledged } = outcome.value
      if (durability !== undefined && acknowledged < durability.replicas) {
        fewest = Math.min(fewest, acknowledged)
        continue
      }
      for (const key of keys) landed.push(key.slice(this.prefix.length))
    }
    if (failure === undefined && fewest === Number.POSITIVE_INFINITY) return
    if (landed.length > 0) options?.landed?.(landed)
    throw failure ?? notReplicated(fewest, durability!)
  }

  // The entry's metadata and body share a hash tag: one slot, so one MGET and one node. Memoized
  // by entry key (Garner reuses its key strings): a hit neither hashes nor concatenates again.
  override placed(keys: EntryKeys): EntryKeys {
    const known = this.placements.get(keys.entry)
    // Stryker disable next-line ConditionalExpression: placing again gives the same keys; the memo only saves the work
    if (known !== undefined && known.of === keys.body) return known.placed
    const tag = entryHashTag(keys.entry)
    const placed = { entry: tag + keys.entry, body: tag + keys.body }
    // Stryker disable next-line ObjectLiteral: a memo that never matches places again, to the same keys
    this.placements.set(keys.entry, { of: keys.body, placed })
    return placed
  }

  override unplaced(key: string): string {
    // Stryker disable next-line ConditionalExpression: the tag check below refuses a key that does not start with a tag too
    if (key.charCodeAt(0) !== 0x7b /* { */) return key
    const close = key.indexOf('}')
    const tag = key.slice(0, close + 1)
    const rest = key.slice(close + 1)
    // Only an entry's own tag is Garner's (a body's tag is its entry's: the near cache never
    // holds a body on its own, so it needs no mapping).
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a tag that never closes is empty, and no entry's hash tag is
    if (close > 0 && entryHashTag(rest) === tag) return rest
    return key
  }

  protected override async getOne(key: string): Promise<unknown> {
    const [value] = await this.getMany([key])
    return value
  }

  protected override async getMany(keys: readonly string[]): Promise<unknown[]> {
    // Already connected on every hit but the first: no await for that.
    if (!this.router.ready) await this.router.connected(this.timeout)
    const values: unknown[] = new Array(keys.length)
    const byNode = this.router.groupByNode(keys, this.prefix)
    const reads: Promise<unknown>[] = []
    for (const [address, slots] of byNode) {
      reads.push(
        this.router.guard(address, this.timeout).call(() => {
          const batch: Promise<void>[] = []
          for (const slotKeys of slots.values()) {
            batch.push(
              this.router.mget(slotKeys.keys).then((replies) => {
                for (let index = 0; index < slotKeys.positions.length; index++)
                  values[slotKeys.positions[index]!] = replies[index] ?? undefined
              }),
            )
          }
          return Promise.all(batch)
        }),
      )
    }
    await Promise.all(reads)
    return values
  }

  protected override async setMany(
    entries: { key: string; value: string; ttl?: number | undefined }[],
  ): Promise<void> {
    if (!this.router.ready) await this.router.connected(this.timeout)
    const values = new Map<string, { value: string; ttl?: number | undefined }>()
    for (const entry of entries) values.set(this.prefix + entry.key, entry)
    const byNode = this.router.groupByNode([...values.keys()])
    await Promise.all(
      [...byNode].map(([address, slots]) =>
        this.router.guard(address, this.timeout).call(() =>
          Promise.all(
            [...slots.values()]
              .flatMap((group) => group.keys)
              .map((key) => {
                const { value, ttl } = values.get(key)!
                const args = ['SET', key, value]
                if (ttl !== undefined) args.push('PX', String(ttl))
                return this.router.cluster.sendCommand(key, false, args)
              }),
          ),
        ),
      ),
    )
  }

  // The cluster driver sends nothing through the adapter, so Keyv's error events are not its own.
  protected override call<T>(operation: () => Promise<T>): Promise<T> {
    return operation()
  }
}
