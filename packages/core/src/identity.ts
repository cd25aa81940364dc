// The identity chain (Garner's `garner.bind(...).key(...).options(...).fetch(...)`): an immutable
// description of one cached value: its key parts, bindings, options and key context.

import { GarnerError } from './errors.js'
import { CREDENTIAL_HEADERS, partitionByCredentials } from './http/credentials.js'
import { type HttpResult, type RespondOptions, type ResponseWriter, respond } from './http/http.js'
import type { SurrogateKeyHeader } from './http/purger.js'
import type { BoundedCache } from './keys/bounded-cache.js'
import { encodeKey, type KeyPart, keySuffix } from './keys/key.js'
import { explicitKeyText } from './keys/strategies/explicit-key.js'
import type {
  KeyContext,
  KeyObject,
  KeyStrategy,
  RequestInfo,
} from './keys/strategies/key-strategy.js'
import {
  type Bindings,
  type NormalBinding,
  normalizeBindings,
  readTokenKeys,
} from './protocol/binding.js'
import type { Engine, Loader, Plan, Resolved } from './protocol/engine.js'
import {
  type Freshness,
  type FreshnessOptions,
  mergeFreshness,
  overlayFreshness,
} from './protocol/freshness.js'
import type { EntryKeys } from './store/store.js'

/**
 * Options of one identity (or one `garner.fetch`): `ttl`, the freshness policies
 * ({@link FreshnessOptions}) and `public`. Each overrides the Garner default.
 */
export interface IdentityOptions extends FreshnessOptions {
  /** How long the entry is fresh, in milliseconds; overrides the Garner default. */
  readonly ttl?: number
  /**
   * Declares the value the same for every caller, so that requests with `Authorization` or
   * `Cookie` share one entry instead of one per credential.
   */
  readonly public?: boolean
}

/** A cached value with its validators. */
export interface Entry<T> {
  /** The value: Garner's deeply frozen copy, the same on a hit and on a miss. */
  readonly value: T
  /** Strong, quoted entity-tag, e.g. `"3f9a…"`. */
  readonly etag: string
  /** Last-Modified, in whole seconds. */
  readonly lastModified: Date
  /** True when the value came from the cache, false when the loader produced it. */
  readonly hit: boolean
  /** True when the cached value was past its `ttl` and answered by a stale window. */
  readonly stale: boolean
}

/** What `entry()` resolves to: `undefined` when the loader may return `undefined` and did. */
export type EntryResult<T> = undefined extends T
  ? Entry<Exclude<T, undefined>> | undefined
  : Entry<T>

/** What identities of one Garner instance share. */
export interface IdentityRuntime {
  readonly engine: Engine
  readonly namespace: string
  readonly strategies: readonly KeyStrategy[]
  /** True when a strategy declares that it puts the caller in the key. */
  readonly identifiesCaller: boolean
  /** True when the strategies are exactly {@link DEFAULT_KEY_STRATEGIES}. */
  readonly defaultPipeline: boolean
  /** Entry keys of plain string and number keys under the default pipeline. */
  readonly entryKeyCache: BoundedCache<string | number, EntryKeys>
  /** Token keys of binding lists, by a signature of their models and id texts. */
  readonly tokenKeyCache: BoundedCache<string, readonly string[]>
  /** Entry keys of request identities under the default pipeline, by request signature. */
  readonly requestKeyCache: BoundedCache<string, KeyPlan>
  readonly ttl: number | undefined
  /** The Garner-wide freshness defaults. */
  readonly freshness: Freshness
  /** The surrogate-key header of each purger, deduplicated by name. */
  readonly surrogateHeaders: readonly SurrogateKeyHeader[]
  /** Default `s-maxage` of public responses, in milliseconds. */
  readonly sharedMaxAge: number | undefined
}

/** An identity's stored keys, and how it varies by caller (mixed into its ETag). */
interface KeyPlan {
  readonly keys: EntryKeys
  readonly variant: string | undefined
}

interface IdentityState {
  readonly parts: readonly KeyPart[]
  readonly bindings: readonly NormalBinding[]
  readonly ttl: number | undefined
  /** Freshness options set on this identity (over the Garner defaults). */
  readonly freshness: FreshnessOptions | undefined
  readonly isPublic: boolean
  /** How the value varies between callers, when the route declared it with `varyBy`. */
  readonly caller: KeyPart | undefined
  readonly context: Readonly<Record<string, unknown>>
}

/**
 * One cached value's identity. Every method returns a new identity, so a base identity (for
 * example the request-scoped one an HTTP adapter provides) can be extended freely. `R` is what
 * `cacheOr304` resolves to: the response type of the HTTP adapter that created the identity.
 */
export class Identity<R = never> {
  private resolvedPlan: Plan | undefined

  /** @internal Created by `garner.identity()`, `garner.bind()` and `garner.key()`. */
  constructor(
    private readonly runtime: IdentityRuntime,
    private readonly state: IdentityState,
    private readonly writer: ResponseWriter<R> | undefined,
  ) {}

  /** Binds the value to models or model instances (see {@link Bindings}); accumulates. */
  bind(bindings: Bindings): Identity<R> {
    const added = normalizeBindings(bindings)
    const current = this.state.bindings
    return this.with({ bindings: current.length === 0 ? added : [...current, ...added] })
  }

  /** Adds an explicit key part; parts accumulate in call order. */
  key(part: KeyPart): Identity<R> {
    const { parts } = this.state
    return this.with({ parts: parts.length === 0 ? [part] : [...parts, part] })
  }

  /**
   * Sets options (`ttl`, the freshness policies, `public`); later calls override earlier ones,
   * option by option.
   */
  options(options: IdentityOptions): Identity<R> {
    const ttl = options.ttl === undefined ? this.state.ttl : checkTtl(options.ttl, 'ttl')
    return this.with({
      ttl,
      freshness: overlayFreshness(this.state.freshness, options),
      isPublic: options.public ?? this.state.isPublic,
    })
  }

  /**
   * Declares how the value varies between callers: `varyBy(user.role)` for a per-role
   * representation, `varyBy(user.id)` for per-user data. The part joins the key, and requests
   * with credentials share the entry of every caller with the same part, instead of getting
   * one entry per credential (see "Safe by default" in the docs).
   */
  varyBy(caller: KeyPart): Identity<R> {
    return this.with({ caller })
  }

  /** Adds members to the key context that key strategies read (the caller's role, a tenant …). */
  context(extra: Readonly<Record<string, unknown>>): Identity<R> {
    return this.with({ context: { ...this.state.context, ...checkContext(extra) } })
  }

  /** The cached value, or the loader's value stored for next time. */
  fetch<T>(loader: Loader<T>): Promise<T> {
    let answer: Resolved | Promise<Resolved | undefined>
    try {
      checkLoader(loader)
      answer = this.runtime.engine.value(this.plan(), loader)
    } catch (error) {
      return Promise.reject(error)
    }
    // A hit from process memory is answered at once: one settled promise, nothing else.
    if (!(answer instanceof Promise)) return Promise.resolve(answer.value as T)
    return answer.then(resolvedValue) as Promise<T>
  }

  /** The value with its ETag, Last-Modified time and whether it was a hit. */
  async entry<T>(loader: Loader<T>): Promise<EntryResult<T>> {
    const resolved = await this.runtime.engine.value(this.plan(), checkLoader(loader))
    if (resolved === undefined) return undefined as EntryResult<T>
    return {
      value: resolved.value,
      etag: resolved.meta.etag,
      lastModified: new Date(resolved.meta.lastModified),
      hit: resolved.hit,
      stale: resolved.stale,
    } as EntryResult<T>
  }

  /**
   * The HTTP answer to the request in this identity's context: 304 when the client's copy is
   * current (without running the loader or reading the body), otherwise 200 with the JSON body.
   * `undefined` when the loader returned `undefined` (the adapter answers "not found").
   * HTTP adapters call this; applications call their adapter's `cacheOr304`.
   */
  async respond(
    loader: Loader<unknown>,
    options: RespondOptions = {},
  ): Promise<HttpResult | undefined> {
    const request = this.state.context.request as RequestInfo | undefined
    if (request === undefined) {
      throw new TypeError(
        'Garner: respond() needs a request in the identity context; use an HTTP adapter.',
      )
    }
    const { runtime, state } = this
    return respond(runtime.engine, this.plan(), request, checkLoader(loader), options, {
      isPublic: state.isPublic,
      bindings: state.bindings,
      surrogateHeaders: runtime.surrogateHeaders,
      sharedMaxAge: runtime.sharedMaxAge,
    })
  }

  /**
   * Garner's `cache_or_304`: answers the request with 304 when the client's copy is current
   * (without running the loader or reading the cached body), otherwise with 200 and the JSON
   * body, through the adapter that created this identity. Only GET and HEAD are cached; the
   * loader returning `undefined` answers "not found".
   */
  async cacheOr304(loader: Loader<unknown>, options?: RespondOptions): Promise<R> {
    const writer = this.writer
    if (writer === undefined) {
      throw new TypeError(
        'Garner: cacheOr304() needs the request-scoped identity of an HTTP adapter (@garner/express, @garner/hono).',
      )
    }
    const result = await this.respond(loader, options)
    return result === undefined ? writer.notFound() : writer.write(result)
  }

  /** The stored key and the token keys this identity resolves to, for logs and debugging. */
  describe(): { readonly key: string; readonly tokenKeys: readonly string[] } {
    const plan = this.plan()
    return { key: plan.keys.entry, tokenKeys: plan.tokenKeys }
  }

  private plan(): Plan {
    this.resolvedPlan ??= buildPlan(this.runtime, this.state)
    return this.resolvedPlan
  }

  private with(changes: Partial<IdentityState>): Identity<R> {
    // Member by member rather than `{ ...state, ...changes }`: two spreads cost more than the
    // rest of a chained hit.
    const state = this.state
    return new Identity(
      this.runtime,
      {
        parts: changes.parts ?? state.parts,
        bindings: changes.bindings ?? state.bindings,
        ttl: 'ttl' in changes ? changes.ttl : state.ttl,
        freshness: 'freshness' in changes ? changes.freshness : state.freshness,
        isPublic: changes.isPublic ?? state.isPublic,
        caller: 'caller' in changes ? changes.caller : state.caller,
        context: changes.context ?? state.context,
      },
      this.writer,
    )
  }
}

/** The identity state of a fresh identity. */
export function emptyState(context: Readonly<Record<string, unknown>> = {}): IdentityState {
  return {
    parts: [],
    bindings: [],
    ttl: undefined,
    freshness: undefined,
    isPublic: false,
    caller: undefined,
    context,
  }
}

/** Runs the key pipeline and works out the stored keys and token keys. */
export function buildPlan(runtime: IdentityRuntime, state: IdentityState): Plan {
  const { parts, context } = state
  const tokenKeys = planTokenKeys(runtime, state.bindings)
  const ttl = state.ttl ?? runtime.ttl
  const freshness = mergeFreshness(runtime.freshness, state.freshness)
  const explicit = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : parts
  // The fast path and the key caches below give the keys the pipeline gives (the properties in
  // identity.test.ts check it): mutants that only skip them are equivalent.
  if (
    runtime.defaultPipeline &&
    explicit !== undefined &&
    state.caller === undefined &&
    context.request === undefined
    // Stryker disable next-line BlockStatement: an empty block falls through to the pipeline, which gives the same keys
  ) {
    // The default pipeline without a request makes the key `{ key: parts }`: encode it
    // directly (explicitKeyText), to the same text, without building the object.
    // Stryker disable next-line LogicalOperator,StringLiteral: never simple only skips the key cache
    const simple = typeof explicit === 'string' || typeof explicit === 'number'
    const cached = simple ? runtime.entryKeyCache.get(explicit) : undefined
    if (cached !== undefined) return { keys: cached, tokenKeys, ttl, freshness }
    const keys = entryKeys(
      runtime.namespace,
      keySuffix(explicitKeyText(encodeKey(explicit, 'key'))),
    )
    // Stryker disable next-line ConditionalExpression: an object-keyed entry is never read (get needs simple); none only misses
    if (simple) runtime.entryKeyCache.set(explicit, keys)
    return { keys, tokenKeys, ttl, freshness }
  }
  const request = context.request as RequestInfo | undefined
  if (explicit === undefined && request === undefined) {
    throw new GarnerError(
      'GARNER_EMPTY_KEY',
      'Garner: this identity has no key. Add one with .key(part) (or garner.fetch(key, …)), ' +
        'or use the request-scoped identity of an HTTP adapter.',
    )
  }
  const signature =
    explicit === undefined && runtime.defaultPipeline
      ? requestSignature(request!, state)
      : undefined
  const { keys, variant } =
    signature === undefined
      ? pipelineKeys(runtime, state, explicit)
      : (runtime.requestKeyCache.get(signature) ??
        runtime.requestKeyCache.set(signature, pipelineKeys(runtime, state, explicit)))
  return { keys, tokenKeys, ttl, freshness, variant }
}

/**
 * Runs the key pipeline (and the credentials partition) and encodes the result. The variant is
 * what tells callers apart in the key: the `varyBy` part, the credentials digest, or, when a key
 * strategy identifies the caller, the whole key (the strategy's part is not known apart).
 */
function pipelineKeys(
  runtime: IdentityRuntime,
  state: IdentityState,
  explicit: KeyPart | undefined,
): KeyPlan {
  const keyContext: KeyContext = { ...state.context, key: explicit }
  const request = keyContext.request
  let key: KeyObject = {}
  for (const strategy of runtime.strategies) key = strategy.apply(key, keyContext)
  let variant: string | undefined
  if (state.caller !== undefined) {
    key = { ...key, caller: state.caller }
    variant = `caller:${encodeKey(state.caller, 'caller')}`
  } else if (request !== undefined && !state.isPublic && !runtime.identifiesCaller) {
    key = partitionByCredentials(key, request)
    if (typeof key.credentials === 'string') variant = `credentials:${key.credentials}`
  }
  const keys = entryKeys(runtime.namespace, keySuffix(encodeKey(key, '')))
  const byStrategy = runtime.identifiesCaller && request !== undefined && !state.isPublic
  if (byStrategy && state.caller === undefined) variant = `key:${keys.entry}`
  return { keys, variant }
}

/**
 * Everything the default pipeline reads of a request identity without explicit key parts, as one
 * string, so that the keys built for it can be reused; `undefined` when they must not be: a
 * request with credentials that the route does not vary by (no credential is kept in memory),
 * or text that could blur the separators.
 */
// Stryker disable next-line BlockStatement: undefined only skips the request-key memo
function requestSignature(request: RequestInfo, state: IdentityState): string | undefined {
  let variant: string
  if (state.caller !== undefined) variant = `caller ${encodeKey(state.caller, 'caller')}`
  // Stryker disable next-line StringLiteral: any text tells this variant from the others
  else if (state.isPublic) variant = 'public'
  // Stryker disable next-line StringLiteral: either text only makes more requests skip the memo
  else if (CREDENTIAL_HEADERS.some((name) => (request.header(name) ?? '') !== '')) return undefined
  // Stryker disable next-line StringLiteral: any text tells this variant from the others
  else variant = 'anonymous'
  const { method, path, query } = request
  // Stryker disable next-line StringLiteral: includes('') is true, which only skips the memo
  if (path.includes('\u0000') || query.includes('\u0000')) return undefined
  return `${method}\u0000${path}\u0000${query}\u0000${variant}`
}

function planTokenKeys(
  runtime: IdentityRuntime,
  bindings: readonly NormalBinding[],
): readonly string[] {
  if (bindings.length === 0) return NO_TOKENS
  // A short signature (model and id text; NUL and SOH cannot appear in a canonical id) finds
  // the token-key strings built for the same bindings before.
  // Stryker disable next-line StringLiteral: a common prefix changes no comparison
  let signature = ''
  for (const { model, id } of bindings)
    signature += id === undefined ? `${model}\u0001` : `${model}\u0000${id}\u0001`
  return (
    runtime.tokenKeyCache.get(signature) ??
    runtime.tokenKeyCache.set(signature, readTokenKeys(runtime.namespace, bindings))
  )
}

const NO_TOKENS: readonly string[] = Object.freeze([])

function entryKeys(namespace: string, suffix: string): EntryKeys {
  return { entry: `${namespace}:e:${suffix}`, body: `${namespace}:b:${suffix}` }
}

/** Validates a time to live in milliseconds. */
export function checkTtl(ttl: number, name: string): number {
  // Number.isFinite is false for anything that is not a number.
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new TypeError(
      `Garner: ${name} must be a positive number of milliseconds (omit it for no expiry); got ${String(ttl)}.`,
    )
  }
  return ttl
}

/** Refuses the reserved context member `key` (explicit key parts go through `.key(part)`). */
export function checkContext<C extends Readonly<Record<string, unknown>>>(context: C): C {
  if ('key' in context) {
    throw new TypeError(
      'Garner: the context member `key` is reserved; add key parts with .key(part).',
    )
  }
  return context
}

function resolvedValue(resolved: Resolved | undefined): unknown {
  return resolved?.value
}

function checkLoader<T>(loader: Loader<T>): Loader<T> {
  if (typeof loader !== 'function') {
    throw new TypeError(
      `Garner: the loader must be a function returning the value; got ${typeof loader}.`,
    )
  }
  return loader
}
