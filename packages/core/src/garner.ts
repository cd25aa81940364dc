// The front door: createGarner(options) and the Garner instance it returns.
import type { GarnerError } from './errors.js'
import { Emitter, type GarnerEvents, type GarnerListener, type MissTracer } from './events.js'
import type { ResponseWriter } from './http/http.js'
import { DEFAULT_PURGE_ATTEMPTS, DEFAULT_PURGE_TIMEOUT, PurgeQueue } from './http/purge-queue.js'
import type { Purger, SurrogateKeyHeader } from './http/purger.js'
import { purgeKeysOfText } from './http/surrogate-keys.js'
import {
  checkContext,
  checkTtl,
  type EntryResult,
  emptyState,
  Identity,
  type IdentityOptions,
  type IdentityRuntime,
} from './identity.js'
import { BoundedCache } from './keys/bounded-cache.js'
import type { KeyPart } from './keys/key.js'
import { DEFAULT_KEY_STRATEGIES } from './keys/strategies/index.js'
import type { KeyStrategy } from './keys/strategies/key-strategy.js'
import {
  type BindingId,
  type Bindings,
  type NormalBinding,
  normalizeBindings,
  normalizeId,
} from './protocol/binding.js'
import { Engine, type Loader } from './protocol/engine.js'
import { canonicalHashEtag, type ETagStrategy } from './protocol/etag.js'
import {
  type FreshnessOptions,
  mergeFreshness,
  NO_FRESHNESS,
  overlayFreshness,
} from './protocol/freshness.js'
import {
  DEFAULT_LOADER_BACKOFF_MAX,
  DEFAULT_LOADER_BACKOFF_MIN,
  LoaderBackoff,
  type LoaderBackoffOptions,
} from './protocol/loader-backoff.js'
import type { GarnerStats } from './stats.js'
import { isKeyvLike, type KeyvLike, KeyvStoreDriver } from './store/keyv-store.js'
import { type MemoryStore, memoryStore } from './store/memory-store.js'
import {
  type NearCacheDriver,
  type NearCacheOptions,
  type NearCacheStatus,
  nearCacheDriver,
} from './store/near-cache.js'
import { clusterOf, RedisClusterStoreDriver } from './store/redis-cluster-store.js'
import { type Durability, isStoreDriver, type StoreDriver } from './store/store.js'
import { StoreGuard } from './store/store-guard.js'
import { timedStore } from './store/timed-store.js'

/**
 * Options of {@link createGarner}. Every one has a default. The freshness policies
 * (`staleWhileRevalidate`, `staleIfError`, `loaderTimeout`, `staleAfterInvalidate`) set here are
 * the defaults of every fetch and identity, which may override each.
 */
export interface GarnerOptions extends FreshnessOptions {
  /**
   * Where entries live: a Keyv instance (`new Keyv(new KeyvRedis(url))` for Redis, any Keyv
   * adapter), a {@link memoryStore}, or your own {@link StoreDriver}. Default: a bounded
   * in-process store.
   */
  readonly store?: KeyvLike | MemoryStore | StoreDriver
  /** Prefix of every stored key. Default `'garner'`. */
  readonly namespace?: string
  /** Default time to live of entries, in milliseconds. Default: none (entries live until evicted or invalidated). */
  readonly ttl?: number
  /** The key pipeline, applied in order to every identity. Default {@link DEFAULT_KEY_STRATEGIES}. */
  readonly keyStrategies?: readonly KeyStrategy[]
  /** How ETags are computed. Default {@link canonicalHashEtag}. */
  readonly etag?: ETagStrategy
  /** Longest wait for one call to a Keyv store, in milliseconds, before answering from the loader. Default 500. */
  readonly storeTimeout?: number
  /**
   * Time to live of generation tokens in a Keyv store, in milliseconds. An expired token only
   * costs a miss. Default 24 hours.
   */
  readonly tokenTtl?: number
  /**
   * Keep the entries and tokens this process reads in its memory too, and answer hits from there
   * with no round trip; Redis tells every process when something it holds changes (client
   * tracking). Needs a Keyv store backed by `@keyv/redis`. `true` for the default bounds, or
   * `{ maxEntries, maxBytes }`. Default: off. Call {@link Garner.close} when done.
   */
  readonly nearCache?: boolean | NearCacheOptions
  /**
   * How long a key whose loader failed leaves the loader alone while a stale value answers
   * (stale-if-error): `min` after the first failure, doubling up to `max`, in milliseconds.
   * Default `{ min: 1_000, max: 30_000 }`.
   */
  readonly loaderBackoff?: LoaderBackoffOptions
  /**
   * The clock Garner decides freshness by (`ttl`, the stale windows, the loader backoff), in
   * milliseconds since the epoch. Default `Date.now`. Tests pass a clock they can move to step
   * across the windows; the store still expires entries on its own clock, after the longest window.
   */
  readonly clock?: () => number
  /**
   * Durable invalidation on replicated Redis (a Redis Cluster, or a master with replicas): an
   * invalidation resolves only once `replicas` replicas hold the new tokens (`WAIT`, for at most
   * `timeout` milliseconds, default 100). When they do not confirm in time, the `error` event
   * says so (`GARNER_NOT_REPLICATED`) and the invalidation is queued and retried like any other
   * that did not land. Default: the master's acknowledgement is enough.
   */
  readonly invalidation?: InvalidationOptions
  /**
   * Shared caches to purge on every invalidation (`varnishPurger`, `fastlyPurger`,
   * `cloudflarePurger` from `@garner/cdn`, or your own {@link Purger}). Public `cacheOr304`
   * responses then carry their bindings as surrogate keys in each purger's header, and
   * `invalidate` purges what it made stale. Default: none.
   */
  readonly purgers?: readonly Purger[]
  /**
   * Longest wait of `invalidate()` for the purgers to confirm, in milliseconds; past it,
   * `invalidate` resolves and the purge carries on (reported on the `error` event). Default 2,000.
   */
  readonly purgeTimeout?: number
  /**
   * How long shared caches may keep public responses, in milliseconds (sent as `s-maxage` in
   * whole seconds, never more than the entry's TTL). Default: one day when purgers are
   * configured (they purge on every write), none otherwise (a shared cache would not learn of
   * writes).
   */
  readonly sharedMaxAge?: number
}

/** Options of {@link GarnerOptions.invalidation}. */
export interface InvalidationOptions {
  /** How many replicas must hold an invalidation's new tokens before it resolves. */
  readonly replicas: number
  /** Longest wait for them, in milliseconds; less than `storeTimeout`. Default 100. */
  readonly timeout?: number
}

/** Options of `garner.fetch(key, loader, options)`. */
export interface FetchOptions extends IdentityOptions {
  /** Models or model instances the value is bound to. */
  readonly bind?: Bindings
}

const NO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({})
// Derived key strings kept for reuse: a few MB at most.
const KEY_CACHE_SIZE = 10_000

/** Default {@link GarnerOptions.namespace}. */
export const DEFAULT_NAMESPACE = 'garner'
/** Default {@link GarnerOptions.storeTimeout}, in milliseconds. */
export const DEFAULT_STORE_TIMEOUT = 500
/** Default {@link InvalidationOptions.timeout}, in milliseconds. */
export const DEFAULT_INVALIDATION_TIMEOUT = 100
/** Default {@link GarnerOptions.tokenTtl}, in milliseconds: 24 hours. */
export const DEFAULT_TOKEN_TTL: number = 24 * 60 * 60 * 1000
/** Default {@link GarnerOptions.sharedMaxAge} when purgers are configured, in milliseconds: one day. */
export const DEFAULT_SHARED_MAX_AGE: number = 24 * 60 * 60 * 1000
export { DEFAULT_PURGE_TIMEOUT }

/** A Garner cache. Create one with {@link createGarner}. */
export class Garner {
  /** The prefix of every stored key. */
  readonly namespace: string
  /** Which kind of store backs this instance. */
  readonly storeKind: 'memory' | 'keyv'
  private readonly emitter = new Emitter()
  private readonly engine: Engine
  private readonly runtime: IdentityRuntime
  private readonly driver: StoreDriver
  private readonly near: NearCacheDriver | undefined
  private tracers: readonly MissTracer[] = []
  private readonly purges: PurgeQueue | undefined

  /** @internal Use {@link createGarner}. */
  constructor(options: GarnerOptions = {}) {
    this.namespace = checkNamespace(options.namespace ?? DEFAULT_NAMESPACE)
    const ttl = options.ttl === undefined ? undefined : checkTtl(options.ttl, 'ttl')
    const freshness = mergeFreshness(NO_FRESHNESS, options)
    const clock = checkClock(options.clock ?? Date.now)
    const backoffMin = checkTtl(
      options.loaderBackoff?.min ?? DEFAULT_LOADER_BACKOFF_MIN,
      'loaderBackoff.min',
    )
    const backoffMax = checkTtl(
      options.loaderBackoff?.max ?? DEFAULT_LOADER_BACKOFF_MAX,
      'loaderBackoff.max',
    )
    const storeTimeout = checkTtl(options.storeTimeout ?? DEFAULT_STORE_TIMEOUT, 'storeTimeout')
    this.near = toNearCache(
      options,
      (error) => {
        if (this.emitter.has('error')) this.emitter.emit('error', { error, operation: 'read' })
      },
      storeTimeout,
    )
    const driver: StoreDriver = this.near ?? toDriver(options.store, storeTimeout)
    this.driver = driver
    this.storeKind = driver.kind
    const strategies = checkStrategies(options.keyStrategies ?? DEFAULT_KEY_STRATEGIES)
    const purgers = checkPurgers(options.purgers ?? [])
    this.purges =
      purgers.length === 0
        ? undefined
        : new PurgeQueue({
            purgers,
            timeout: checkTtl(options.purgeTimeout ?? DEFAULT_PURGE_TIMEOUT, 'purgeTimeout'),
            attempts: DEFAULT_PURGE_ATTEMPTS,
            emitter: this.emitter,
          })
    const sharedMaxAge =
      options.sharedMaxAge !== undefined
        ? checkTtl(options.sharedMaxAge, 'sharedMaxAge')
        : purgers.length > 0
          ? DEFAULT_SHARED_MAX_AGE
          : undefined
    this.engine = new Engine({
      namespace: this.namespace,
      // Remote stores are timed for the `store` event; the in-process one answers in nanoseconds.
      driver: driver.remote ? timedStore(driver, this.emitter) : driver,
      guard: driver.remote
        ? new StoreGuard({ timeout: storeTimeout, passthrough: driver.guardsItself === true })
        : undefined,
      emitter: this.emitter,
      etag: checkEtag(options.etag ?? canonicalHashEtag),
      tokenTtl: checkTtl(options.tokenTtl ?? DEFAULT_TOKEN_TTL, 'tokenTtl'),
      clock,
      backoff: new LoaderBackoff(backoffMin, Math.max(backoffMin, backoffMax)),
      durability: checkInvalidation(options.invalidation, driver, storeTimeout),
    })
    this.runtime = {
      engine: this.engine,
      namespace: this.namespace,
      strategies,
      identifiesCaller: strategies.some((strategy) => strategy.identifiesCaller === true),
      // The fast paths of the default pipeline give the keys the pipeline gives (identity.test.ts
      // checks it), so only mutants that turn them on for another pipeline can be seen.
      defaultPipeline:
        strategies.length === DEFAULT_KEY_STRATEGIES.length &&
        // Stryker disable next-line ArrowFunction: false only turns the fast paths off
        strategies.every((strategy, index) => strategy === DEFAULT_KEY_STRATEGIES[index]),
      entryKeyCache: new BoundedCache(KEY_CACHE_SIZE),
      tokenKeyCache: new BoundedCache(KEY_CACHE_SIZE),
      requestKeyCache: new BoundedCache(KEY_CACHE_SIZE),
      ttl,
      freshness,
      surrogateHeaders: surrogateHeadersOf(purgers),
      sharedMaxAge,
    }
  }

  /**
   * The value cached under `key`, or the loader's value, stored for next time. Concurrent calls
   * for the same missing key run the loader once. `undefined` is never cached.
   */
  fetch<T>(key: KeyPart, loader: Loader<T>, options?: FetchOptions): Promise<T> {
    try {
      return this.identityFor(key, options).fetch(loader)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Like {@link fetch}, with the entry's ETag, Last-Modified time and whether it was a hit. */
  entry<T>(key: KeyPart, loader: Loader<T>, options?: FetchOptions): Promise<EntryResult<T>> {
    try {
      return this.identityFor(key, options).entry(loader)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * A fresh identity, optionally with a key context. HTTP adapters pass the request in the
   * context and a {@link ResponseWriter} for their framework, which `cacheOr304` answers through.
   */
  identity<R = never>(
    context: Readonly<Record<string, unknown>> = {},
    writer?: ResponseWriter<R>,
  ): Identity<R> {
    return new Identity(this.runtime, emptyState(checkContext(context)), writer)
  }

  /** Starts an identity bound to models or model instances. */
  bind(bindings: Bindings): Identity {
    // Built in one step (not an empty identity, then .bind()): one identity less per chain.
    return this.startIdentity([], normalizeBindings(bindings))
  }

  /** Starts an identity with an explicit key part. */
  key(part: KeyPart): Identity {
    return this.startIdentity([part], [])
  }

  /**
   * Makes stale every value bound to the model instance `[model, id]` and every value bound to
   * the model itself; or, without `id`, every value bound to the model or to any of its
   * instances. Once this resolves, no fetch returns a value whose loader started before it; with
   * purgers, the shared caches have dropped what it made stale too (or `purgeTimeout` passed).
   */
  async invalidate(model: string, id?: BindingId): Promise<void> {
    if (typeof model !== 'string' || model === '') {
      throw new TypeError(`Garner: invalidate() needs a model name; got ${JSON.stringify(model)}.`)
    }
    return this.invalidateTargets([
      id === undefined ? { model } : { model, id: normalizeId(id, 'id') },
    ])
  }

  /**
   * Invalidates several models and instances in one store round trip: `invalidateMany([['User', 1],
   * ['User', 2], 'Post'])` is `invalidate('User', 1)`, `invalidate('User', 2)`, `invalidate('Post')`.
   */
  async invalidateMany(bindings: Bindings): Promise<void> {
    return this.invalidateTargets(normalizeBindings(bindings))
  }

  private async invalidateTargets(targets: readonly NormalBinding[]): Promise<void> {
    await this.engine.invalidate(targets)
    // After the tokens: a shared cache that refetches at once must get the new value.
    if (this.purges !== undefined) {
      await this.purges.purge([
        ...new Set(targets.flatMap(({ model, id }) => purgeKeysOfText(model, id))),
      ])
    }
  }

  /**
   * The near cache's state (tracking connected, entries held, resets), or `undefined` when the
   * near cache is off.
   */
  get nearCache(): NearCacheStatus | undefined {
    return this.near
  }

  /**
   * Releases what this instance holds open: the near cache's tracking connection and heartbeat.
   * The store you passed in stays open (close it yourself). Fetches after `close()` still work,
   * from the store.
   */
  async close(): Promise<void> {
    await this.driver.close?.()
  }

  /**
   * Counts since this instance was created: hits by tier, misses by reason, loads, load errors,
   * stale answers, invalidations, store errors, and the in-process tier's size. The counters are
   * kept whether or not anyone listens to events; calling this only copies them.
   */
  stats(): GarnerStats {
    return this.emitter.stats.snapshot(this.driver.memoryStats?.())
  }

  /**
   * Runs the work of every miss through `tracer`, so that it can run inside a span (this is what
   * `@garner/otel` uses); hits never reach it. Several tracers nest, the first installed
   * outermost. Returns the function that removes it.
   */
  traceMisses(tracer: MissTracer): () => void {
    if (typeof tracer !== 'function')
      throw new TypeError('Garner: traceMisses() needs a function (event, work) => work().')
    this.tracers = [...this.tracers, tracer]
    this.emitter.tracer = composeTracers(this.tracers)
    return () => {
      this.tracers = this.tracers.filter((candidate) => candidate !== tracer)
      this.emitter.tracer = composeTracers(this.tracers)
    }
  }

  /**
   * Listens to an event (`hit`, `miss`, `load`, `refresh`, `invalidate`, `error`, `store`);
   * returns the unsubscribe function.
   */
  on<E extends keyof GarnerEvents>(event: E, listener: GarnerListener<E>): () => void {
    return this.emitter.on(event, listener)
  }

  /** Removes a listener added with {@link on}. */
  off<E extends keyof GarnerEvents>(event: E, listener: GarnerListener<E>): void {
    this.emitter.off(event, listener)
  }

  private startIdentity(parts: readonly KeyPart[], bindings: readonly NormalBinding[]): Identity {
    return new Identity(
      this.runtime,
      {
        parts,
        bindings,
        ttl: undefined,
        freshness: undefined,
        isPublic: false,
        caller: undefined,
        context: NO_CONTEXT,
      },
      undefined,
    )
  }

  private identityFor(key: KeyPart, options: FetchOptions | undefined): Identity {
    // One identity, built in one step: this is every garner.fetch's path.
    return new Identity(
      this.runtime,
      {
        parts: [key],
        bindings: options?.bind === undefined ? [] : normalizeBindings(options.bind),
        ttl: options?.ttl === undefined ? undefined : checkTtl(options.ttl, 'ttl'),
        freshness: overlayFreshness(undefined, options),
        // Stryker disable next-line LogicalOperator,BooleanLiteral: without a request in the context (never, here) nothing reads isPublic
        isPublic: options?.public ?? false,
        caller: undefined,
        context: NO_CONTEXT,
      },
      undefined,
    )
  }
}

/** Creates a Garner cache. With no options: the bounded in-process store, no TTL, the default key pipeline. */
export function createGarner(options?: GarnerOptions): Garner {
  return new Garner(options)
}

function toDriver(store: GarnerOptions['store'], timeout: number): StoreDriver {
  if (store === undefined) return memoryStore()
  if (isKeyvLike(store)) {
    const cluster = clusterOf(store)
    return cluster === undefined
      ? new KeyvStoreDriver(store)
      : new RedisClusterStoreDriver(store, cluster, { timeout })
  }
  if (isStoreDriver(store)) return store
  throw new TypeError(
    'Garner: store must be a Keyv instance (for example new Keyv(new KeyvRedis(url))), memoryStore() or a StoreDriver; ' +
      `got ${typeof store}.`,
  )
}

function toNearCache(
  options: GarnerOptions,
  onLost: (error: GarnerError) => void,
  storeTimeout: number,
): NearCacheDriver | undefined {
  const { nearCache, store } = options
  if (nearCache === undefined || nearCache === false) return undefined
  if (nearCache !== true && (typeof nearCache !== 'object' || nearCache === null)) {
    throw new TypeError(
      `Garner: nearCache must be true, false or { maxEntries, maxBytes }; got ${typeof nearCache}.`,
    )
  }
  if (store === undefined || !isKeyvLike(store)) {
    throw new TypeError(
      'Garner: nearCache needs a Redis store, new Keyv(new KeyvRedis(url)); the in-process ' +
        'store is already in memory.',
    )
  }
  // Stryker disable next-line BooleanLiteral: passing `true` itself reads no bound, like {}
  return nearCacheDriver(store, nearCache === true ? {} : nearCache, onLost, storeTimeout)
}

function checkInvalidation(
  invalidation: InvalidationOptions | undefined,
  driver: StoreDriver,
  storeTimeout: number,
): Durability | undefined {
  if (invalidation === undefined) return undefined
  const { replicas, timeout = DEFAULT_INVALIDATION_TIMEOUT } = invalidation
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new TypeError(
      `Garner: invalidation.replicas must be a whole number of replicas, at least 1; got ${String(replicas)}.`,
    )
  }
  checkTtl(timeout, 'invalidation.timeout')
  if (timeout >= storeTimeout) {
    throw new TypeError(
      `Garner: invalidation.timeout (${timeout} ms) must be shorter than storeTimeout ` +
        `(${storeTimeout} ms), which bounds the whole invalidation; lower one or raise the other.`,
    )
  }
  if (driver.confirmsReplication !== true) {
    throw new TypeError(
      'Garner: invalidation.replicas needs a Redis store that can confirm replication (WAIT): ' +
        'a Keyv on @keyv/redis (one node with replicas, or a Redis Cluster).',
    )
  }
  return { replicas, timeout }
}

function composeTracers(tracers: readonly MissTracer[]): MissTracer | undefined {
  if (tracers.length === 0) return undefined
  return tracers.reduceRight<MissTracer>(
    (inner, outer) =>
      function traced(event, work) {
        return outer(event, () => inner(event, work))
      },
    function untraced(_event, work) {
      return work()
    },
  )
}

function checkNamespace(namespace: string): string {
  if (typeof namespace !== 'string' || namespace === '' || namespace.length > 100) {
    throw new TypeError(
      `Garner: namespace must be a string of 1 to 100 characters; got ${JSON.stringify(namespace)}.`,
    )
  }
  return namespace
}

function checkStrategies(strategies: readonly KeyStrategy[]): readonly KeyStrategy[] {
  if (!Array.isArray(strategies))
    throw new TypeError('Garner: keyStrategies must be an array of key strategies.')
  const names = new Set<string>()
  strategies.forEach((strategy, index) => {
    if (typeof strategy?.name !== 'string' || typeof strategy.apply !== 'function') {
      throw new TypeError(
        `Garner: keyStrategies[${index}] must be { name: string, apply(key, context) }.`,
      )
    }
    if (names.has(strategy.name)) {
      throw new TypeError(
        `Garner: two key strategies are named '${strategy.name}'; names must be unique.`,
      )
    }
    names.add(strategy.name)
  })
  return Object.freeze([...strategies])
}

function checkClock(clock: () => number): () => number {
  if (typeof clock !== 'function')
    throw new TypeError('Garner: clock must be a function returning milliseconds since the epoch.')
  return clock
}

function checkPurgers(purgers: readonly Purger[]): readonly Purger[] {
  if (!Array.isArray(purgers))
    throw new TypeError('Garner: purgers must be an array (for example [varnishPurger({ url })]).')
  purgers.forEach((purger, index) => {
    const header = purger?.header
    if (
      typeof purger?.purge !== 'function' ||
      typeof purger.name !== 'string' ||
      typeof header?.name !== 'string' ||
      !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header.name) ||
      (header.separator !== ' ' && header.separator !== ',') ||
      !(header.maxLength > 0)
    ) {
      throw new TypeError(
        `Garner: purgers[${index}] must be a Purger: { name, header: { name, separator: ' ' | ',', ` +
          'maxLength }, purge(keys) } (see @garner/cdn).',
      )
    }
  })
  return Object.freeze([...purgers])
}

function surrogateHeadersOf(purgers: readonly Purger[]): readonly SurrogateKeyHeader[] {
  // Two purgers of one kind (two Varnish servers) read the same header: send it once, within
  // the tighter limit.
  const byName = new Map<string, SurrogateKeyHeader>()
  for (const { header } of purgers) {
    // Stryker disable next-line MethodExpression: upper case folds header names alike too
    const key = header.name.toLowerCase()
    const known = byName.get(key)
    if (known === undefined || header.maxLength < known.maxLength) byName.set(key, header)
  }
  return Object.freeze([...byName.values()])
}

function checkEtag(etag: ETagStrategy): ETagStrategy {
  if (typeof etag !== 'function')
    throw new TypeError('Garner: etag must be a function ({ value, body }) => string.')
  return etag
}
