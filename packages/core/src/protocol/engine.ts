// Garner's protocol: how a fetch reads, loads and writes, and how an invalidation lands, so that
// a value is never served once a binding it was loaded under has been invalidated.
//
// A read fetches the entry and the current generation tokens of its bindings in one round trip.
// The entry is fresh when the tokens it was stored with equal the current ones. On a miss, the
// tokens just read (absent ones replaced by fresh tokens, written before the loader starts) are
// the snapshot the new entry is stored with. An invalidation replaces tokens with fresh ones, so
// any entry whose loader read the old tokens, even one written after the invalidation, is stale.
import { GarnerError, isGarnerError } from '../errors.js'
import type { Emitter, MissReason } from '../events.js'
import { BoundedCache } from '../keys/bounded-cache.js'
import type { StatsCounters } from '../stats.js'
import type {
  Durability,
  EntryKeys,
  EntryMeta,
  StoreDriver,
  StoreRead,
  TokenWrite,
} from '../store/store.js'
import { asStoreError, type StoreGuard, UNAVAILABLE } from '../store/store-guard.js'
import { invalidationTokenKeys, type NormalBinding, readableId } from './binding.js'
import { computeEtag, type ETagStrategy } from './etag.js'
import { type Freshness, servesStale, staleness, storeTtl } from './freshness.js'
import { nextLastModified } from './last-modified.js'
import { canWait, LoadedEntry } from './loaded-entry.js'
import type { LoaderBackoff } from './loader-backoff.js'
import { SingleFlight } from './single-flight.js'
import { newToken } from './token.js'
import { copyValue, deepFreeze, deserializeValue } from './value.js'

/** Everything the engine needs to know about one fetch. */
export interface Plan {
  readonly keys: EntryKeys
  readonly tokenKeys: readonly string[]
  readonly ttl: number | undefined
  /** Stale windows and loader timeout (a shared default object when the fetch sets none). */
  readonly freshness: Freshness
  /** How this entry varies by caller (mixed into its ETag); `undefined` when it does not. */
  readonly variant?: string | undefined
}

/** An entry as the engine hands it out: metadata, and the body and value where known. */
export interface Resolved {
  readonly hit: boolean
  readonly meta: EntryMeta
  readonly body: string | undefined
  readonly value?: unknown
  readonly hasValue: boolean
  /** True when the entry was past its `ttl` (or invalidated) and answered by a stale window. */
  readonly stale: boolean
}

/**
 * What a caller needs of an entry: its metadata (a 304 check, a HEAD), its body (a 200), or its
 * decoded value (a fetch; a store that keeps values needs no body for it).
 */
export type Want = 'meta' | 'body' | 'value'

/** A loader: anything that produces the value on a miss. */
export type Loader<T> = () => T | Promise<T>

/** A read that succeeded (possibly finding nothing), or one that could not reach the store. */
// `since`: the single flight's mark taken before an asynchronous read was sent.
type Snapshot =
  | { readonly ok: true; readonly read: StoreRead; readonly since?: number }
  | { readonly ok: false }

const UNREADABLE: Snapshot = { ok: false }

/** What a store call that failed answers (the failure has been reported). */
const FAILED: unique symbol = Symbol('failed')

type Operation = 'read' | 'write' | 'invalidate'

const FIRST_TOKENS = { ifAbsent: true } as const

// Backoff between retries of queued invalidations, in milliseconds.
const MIN_FLUSH_BACKOFF = 100
const MAX_FLUSH_BACKOFF = 2_000

export interface EngineOptions {
  readonly namespace: string
  readonly driver: StoreDriver
  /** Present for remote stores: timeouts and the circuit breaker. */
  readonly guard: StoreGuard | undefined
  readonly emitter: Emitter
  readonly etag: ETagStrategy
  readonly tokenTtl: number
  /** Garner's clock for freshness decisions: milliseconds since the epoch. */
  readonly clock: () => number
  readonly backoff: LoaderBackoff
  /** Replicas that must confirm an invalidation (`WAIT`); none when undefined. */
  readonly durability: Durability | undefined
}

// Keys whose refresh finished recently, with the stale entry it replaced: a remote read sent
// before the refresh's write landed may still come back with that entry, and must not start a
// second refresh. Bounded: forgetting one only costs a redundant refresh.
const REFRESHED_MEMORY = 10_000

// How long a refresh claim lasts without a loaderTimeout: longer than most loaders take, short
// enough that a process that died while refreshing holds nobody up for long.
const REFRESH_CLAIM_TTL = 10_000

interface Refreshed {
  readonly replaced: string
  readonly until: number
}

export class Engine {
  private readonly flights: SingleFlight<Resolved | undefined>
  // Token keys whose invalidation could not reach the store, with a version per key so that a
  // flush only clears what it wrote. While a key is here, values bound to it bypass the store.
  private readonly pending = new Map<string, number>()
  private pendingVersion = 0
  private flushing: Promise<void> | undefined
  // Background refreshes running, by entry key: one per key in this process.
  private readonly refreshing = new Map<string, Promise<unknown>>()
  private readonly refreshed = new BoundedCache<string, Refreshed>(REFRESHED_MEMORY)
  private readonly clock: () => number
  private flushRetryAt = 0
  private flushBackoff = 0

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock
    // Only asynchronous reads (remote stores, or a store without readNow) can come back after a
    // load they missed; the in-process store's misses skip that bookkeeping.
    this.flights = new SingleFlight(
      options.guard !== undefined || options.driver.readNow === undefined,
    )
  }

  /** Garner's clock: what freshness is decided by. */
  now(): number {
    return this.clock()
  }

  /**
   * The entry for `plan`, as {@link resolve} finds it, but answered synchronously when the store
   * reads from process memory (the in-process store, a near cache holding the key) and holds it
   * fresh, or stale within a window that serves it: one read, no promise on a hit. A miss goes on
   * from that same read.
   */
  lookup(
    plan: Plan,
    loader: Loader<unknown>,
    want: Want,
  ): Resolved | Promise<Resolved | undefined> {
    const { driver } = this.options
    // While an invalidation is queued, values bound to it must come from the loader: the full
    // read path knows which.
    if (driver.readNow === undefined || this.pending.size > 0)
      return this.resolve(plan, loader, want)
    // Stryker disable next-line ConditionalExpression,StringLiteral: asking for the body too only makes the in-process store write it sooner; the answer is the same
    const read = driver.readNow(plan.keys, plan.tokenKeys, want !== 'value')
    // A near cache that does not hold the key: the store behind it answers.
    if (read === undefined) return this.resolve(plan, loader, want)
    return this.settle(plan, loader, want, { ok: true, read })
  }

  /** The entry for `plan`, from the store or from `loader`; `undefined` when the loader returned it. */
  async resolve(plan: Plan, loader: Loader<unknown>, want: Want): Promise<Resolved | undefined> {
    return this.settle(plan, loader, want, await this.read(plan, want))
  }

  /**
   * Decides what a read means: a hit (answered synchronously), a stale entry served while it is
   * refreshed or while the loader fails, or a miss that runs the loader.
   */
  private settle(
    plan: Plan,
    loader: Loader<unknown>,
    want: Want,
    snapshot: Snapshot,
  ): Resolved | Promise<Resolved | undefined> {
    let reason: MissReason = 'unavailable'
    // An entry the loader's failure may be answered with (stale-if-error).
    let fallback: StoreRead | undefined
    if (snapshot.ok) {
      const { read } = snapshot
      const { meta, tokens, body } = read
      const matches = meta !== undefined && sameTokens(meta.tokens, tokens)
      // Stryker disable next-line ConditionalExpression: the stores that keep values (in process) return the body whenever it is asked for, so `hasValue` decides nothing for 'meta' or 'body'
      const usable = want === 'meta' || body !== undefined || (want === 'value' && read.hasValue)
      if (meta !== undefined && usable) {
        // One clock read, and none for an entry without a ttl.
        // Stryker disable next-line ConditionalExpression: skips a clock read for entries without a ttl; Infinity is later than any clock
        const now = meta.freshUntil === Number.POSITIVE_INFINITY ? 0 : this.clock()
        // Stryker disable next-line ConditionalExpression: `now` is 0 only for entries without a ttl, which the second test finds fresh too
        if (matches && (now === 0 || meta.freshUntil > now)) {
          const { emitter } = this.options
          countHit(emitter.stats, read.tier)
          // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
          if (emitter.has('hit'))
            emitter.emit('hit', { key: plan.keys.entry, tier: read.tier ?? 'store' })
          const { value, hasValue } = read
          return { hit: true, stale: false, meta, body, value, hasValue }
        }
        // Stryker disable next-line ConditionalExpression: without a stale window staleness() answers 'unusable'; the check skips the call
        if (servesStale(plan.freshness)) {
          // Stryker disable next-line ConditionalExpression: for an entry with a ttl, `now` is this same clock's reading (the `true` mutant); a test kills `false`
          const at = now === 0 ? this.clock() : now
          const state = staleness(meta.freshUntil, matches, plan.freshness, at)
          if (state === 'revalidate') return this.answerStale(plan, read, loader, at)
          if (state === 'fallback') {
            // While the loader is backing off after failures, answer stale without trying it.
            if (this.options.backoff.blocked(plan.keys.entry, at))
              return this.answerStale(plan, read, undefined, 0)
            fallback = read
          }
        }
      }
      reason = meta !== undefined && !matches ? 'stale' : 'absent'
    }
    const { emitter } = this.options
    countMiss(emitter.stats, reason)
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
    if (emitter.has('miss')) emitter.emit('miss', { key: plan.keys.entry, reason })
    const work =
      emitter.tracer === undefined
        ? this.loadOnce(plan, loader, snapshot)
        : emitter.tracer({ key: plan.keys.entry, reason }, () =>
            this.loadOnce(plan, loader, snapshot),
          )
    // Stryker disable next-line ConditionalExpression: awaitLoad() without a fallback or a timeout answers what `work` answers
    if (fallback === undefined && plan.freshness.loaderTimeout === undefined) return work
    return this.awaitLoad(plan, work, fallback)
  }

  /**
   * The entry for `plan` with its decoded value (parsing the body for remote stores), answered
   * synchronously when {@link lookup} is.
   */
  value(plan: Plan, loader: Loader<unknown>): Resolved | Promise<Resolved | undefined> {
    // Stryker disable next-line StringLiteral: any other want reads the body as 'body' does, and the body decodes to the same value
    const answer = this.lookup(plan, loader, 'value')
    if (!(answer instanceof Promise))
      return answer.hasValue ? answer : this.decode(plan, loader, answer)
    return answer.then((resolved) =>
      resolved === undefined || resolved.hasValue ? resolved : this.decode(plan, loader, resolved),
    )
  }

  /** Decodes the body of a resolved entry; an unparsable one is reported and reloaded. */
  private decode(
    plan: Plan,
    loader: Loader<unknown>,
    resolved: Resolved,
  ): Resolved | Promise<Resolved | undefined> {
    try {
      const value = deepFreeze(deserializeValue(resolved.body!, resolved.meta.dates))
      // Stryker disable next-line BooleanLiteral: nothing reads `hasValue` of a decoded entry; its value is there
      return { ...resolved, value, hasValue: true }
    } catch (error) {
      this.report('read', corruptBody(plan.keys.body, error), plan.keys.body)
      return this.loadOnce(plan, loader, absentSnapshot(plan))
    }
  }

  /** The body of an entry whose first read skipped it: read now, or the entry reloaded. */
  async withBody(
    plan: Plan,
    loader: Loader<unknown>,
    resolved: Resolved,
  ): Promise<Resolved | undefined> {
    const body = await this.attempt(
      () => this.options.driver.readBody(plan.keys, resolved.meta.etag),
      'read',
      plan.keys.body,
    )
    return body === FAILED || body === undefined
      ? // Stryker disable next-line StringLiteral: any want but 'meta' reads the body, as 'body' does
        this.resolve(plan, loader, 'body')
      : { ...resolved, body }
  }

  /**
   * Invalidates models and instances (`{ model }` or `{ model, id }`): renews every token they
   * name in one round trip, then emits one `invalidate` event per target.
   */
  async invalidate(targets: readonly NormalBinding[]): Promise<void> {
    const { namespace, emitter } = this.options
    const tokenKeys = new Set<string>()
    for (const { model, id } of targets) {
      for (const key of invalidationTokenKeys(namespace, model, id)) tokenKeys.add(key)
    }
    if (tokenKeys.size === 0) return
    await this.renew([...tokenKeys])
    emitter.stats.invalidations += targets.length
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
    if (!emitter.has('invalidate')) return
    for (const { model, id } of targets) {
      emitter.emit('invalidate', id === undefined ? { model } : { model, id: readableId(id) })
    }
  }

  /**
   * Replaces the given tokens with fresh ones in one round trip. When the store cannot take the
   * write, the keys are queued: values bound to them bypass the store until a retry lands.
   */
  private async renew(tokenKeys: readonly string[]): Promise<void> {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: flushing an empty queue writes nothing; the check skips the call
    if (this.pending.size > 0) await this.flushPending()
    const landed = new Set<string>()
    const queuedBefore = this.pendingVersion
    const written = await this.writeTokens(
      tokenKeys.map((key) => [key, newToken()] as const),
      'invalidate',
      landed,
    )
    for (const key of tokenKeys) {
      if (written || landed.has(key)) {
        // This token landed after every invalidation queued before it started: it supersedes
        // them (one queued while it was in flight stays queued).
        if ((this.pending.get(key) ?? Number.POSITIVE_INFINITY) <= queuedBefore)
          this.pending.delete(key)
      }
      // A key that did not land is queued; a store whose parts fail apart (a Redis Cluster's
      // nodes) reports the keys that landed elsewhere.
      // Stryker disable next-line UpdateOperator: counting down gives distinct versions too
      else this.pending.set(key, ++this.pendingVersion)
    }
    this.flights.detachAll()
  }

  private async read(plan: Plan, want: Want): Promise<Snapshot> {
    const { driver, guard } = this.options
    // A remote store decodes the value from the body.
    const withBody = want !== 'meta'
    const since = this.flights.mark
    if (guard === undefined)
      return { ok: true, read: await driver.read(plan.keys, plan.tokenKeys, withBody), since }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: flushing an empty queue writes nothing and no key is pending; the check skips the call
    if (this.pending.size > 0) {
      await this.flushPending()
      if (plan.tokenKeys.some((key) => this.pending.has(key))) return UNREADABLE
    } else {
      // A near cache answers from memory without the guard's timer.
      // Stryker disable next-line ConditionalExpression,StringLiteral: asking the near tier for the body too only has it written sooner; a test checks that 'body' gets it
      const near = driver.readNow?.(plan.keys, plan.tokenKeys, want !== 'value')
      if (near !== undefined) return { ok: true, read: near }
    }
    try {
      const read = await guard.call(() => driver.read(plan.keys, plan.tokenKeys, withBody))
      if (read.corrupt !== undefined) this.report('read', read.corrupt, plan.keys.entry)
      return { ok: true, read, since }
    } catch (error) {
      if (isGarnerError(error, 'GARNER_CORRUPT_ENTRY')) {
        // Something under these keys is unreadable: read it all as absent, so the miss path
        // writes fresh tokens and a fresh entry over it.
        this.report('read', error, plan.keys.entry)
        return absentSnapshot(plan)
      }
      this.report('read', error, plan.keys.entry)
      return UNREADABLE
    }
  }

  /**
   * Answers a stale entry (reporting it as a stale hit), after starting its refresh with
   * `refreshWith` when given.
   */
  private answerStale(
    plan: Plan,
    read: StoreRead,
    refreshWith: Loader<unknown> | undefined,
    now: number,
  ): Resolved {
    // Stryker disable next-line ConditionalExpression: a stale answer without a loader comes right after the loader failed or while it backs off, where revalidate() starts nothing
    if (refreshWith !== undefined) this.revalidate(plan, refreshWith, read, now)
    const { emitter } = this.options
    countHit(emitter.stats, read.tier)
    emitter.stats.staleServed++
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
    if (emitter.has('hit'))
      emitter.emit('hit', { key: plan.keys.entry, tier: read.tier ?? 'store', stale: true })
    const { meta, body, value, hasValue } = read
    return { hit: true, stale: true, meta: meta!, body, value, hasValue }
  }

  /**
   * Starts the background refresh of a stale entry, unless one is running for the key in this
   * process, the loader is backing off after failures, or (remote stores) a refresh replaced
   * this very entry a moment ago (the read came back before its write) or another process holds
   * the key's refresh claim.
   */
  private revalidate(plan: Plan, loader: Loader<unknown>, read: StoreRead, now: number): void {
    const key = plan.keys.entry
    if (this.refreshing.has(key) || this.options.backoff.blocked(key, now)) return
    const { guard, emitter } = this.options
    let replaced: string | undefined
    if (guard !== undefined) {
      const meta = read.meta!
      // Stryker disable next-line StringLiteral: tokens are all of one length, so they join apart without a separator too; a test kills the empty text
      replaced = `${meta.freshUntil}\u0000${meta.etag}\u0000${meta.tokens.join('\u0001')}`
      const recent = this.refreshed.get(key)
      if (recent !== undefined && recent.replaced === replaced && now < recent.until) return
    }
    const started = Date.now()
    const work = this.refresh(plan, loader, read)
    this.refreshing.set(key, work)
    work.then(
      (claimedElsewhere) => {
        this.refreshing.delete(key)
        if (claimedElsewhere !== false) {
          // Another process refreshes this entry: leave it alone while its claim lasts.
          // Stryker disable next-line ConditionalExpression: only a guarded (remote) store claims keys, and `replaced` is set for every guarded store
          if (replaced !== undefined)
            this.refreshed.set(key, { replaced, until: now + claimedElsewhere })
          return
        }
        if (replaced !== undefined)
          this.refreshed.set(key, { replaced, until: this.clock() + guard!.timeout })
        // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
        if (emitter.has('refresh'))
          emitter.emit('refresh', { key, ok: true, duration: Date.now() - started })
      },
      (error: unknown) => {
        this.refreshing.delete(key)
        this.reportLoader('refresh', error, key)
        // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
        if (emitter.has('refresh'))
          emitter.emit('refresh', { key, ok: false, duration: Date.now() - started })
      },
    )
  }

  /**
   * Loads a stale entry again. On a store that can claim a key, the refresh first claims the
   * entry's refresh key for as long as a refresh may take, so that processes sharing the store
   * run one between them; `false` when it ran, or how long another process's claim lasts when
   * that process runs it. A store that cannot be asked refreshes anyway.
   */
  private async refresh(
    plan: Plan,
    loader: Loader<unknown>,
    read: StoreRead,
  ): Promise<false | number> {
    const { driver, namespace } = this.options
    const claim = driver.claim
    let claimKey: string | undefined
    if (claim !== undefined) {
      const entry = plan.keys.entry
      claimKey = `${namespace}:r:${entry.slice(namespace.length + 3)}`
      const ttl = Math.min(
        plan.freshness.loaderTimeout ?? REFRESH_CLAIM_TTL,
        plan.freshness.staleWhileRevalidate,
      )
      const claimed = await this.attempt(() => claim.call(driver, claimKey!, ttl), 'write', entry)
      if (claimed === false) return ttl
      if (claimed === FAILED) claimKey = undefined
    }
    try {
      await this.loadOnce(plan, loader, { ok: true, read })
      return false
    } finally {
      const { release } = driver
      if (claimKey !== undefined && release !== undefined)
        void this.attempt(() => release.call(driver, claimKey!), 'write', plan.keys.entry)
    }
  }

  /**
   * Waits for a load under the loader timeout; when it fails or times out and `fallback` holds a
   * stale entry, answers that instead and reports the failure.
   */
  private async awaitLoad(
    plan: Plan,
    work: Promise<Resolved | undefined>,
    fallback: StoreRead | undefined,
  ): Promise<Resolved | undefined> {
    const { loaderTimeout } = plan.freshness
    try {
      return loaderTimeout === undefined
        ? await work
        : await this.withinTimeout(plan, work, loaderTimeout)
    } catch (error) {
      if (fallback === undefined) throw error
      this.reportLoader('load', error, plan.keys.entry)
      return this.answerStale(plan, fallback, undefined, 0)
    }
  }

  /** `work`, or a `GARNER_LOADER_TIMEOUT` rejection after `timeout` ms (the load goes on). */
  private withinTimeout(
    plan: Plan,
    work: Promise<Resolved | undefined>,
    timeout: number,
  ): Promise<Resolved | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const key = plan.keys.entry
        // Stryker disable next-line ConditionalExpression: only the stale windows consult the backoff (the `true` mutant); a test kills `false`
        if (servesStale(plan.freshness)) this.options.backoff.failed(key, this.clock())
        reject(loaderTimeout(key, timeout))
      }, timeout)
    })
    return Promise.race([work, timedOut]).finally(() => clearTimeout(timer))
  }

  private loadOnce(
    plan: Plan,
    loader: Loader<unknown>,
    snapshot: Snapshot,
  ): Promise<Resolved | undefined> {
    // Stryker disable next-line StringLiteral: an unreadable read could only meet a readable generation '' (a key without bindings), whose load is as fresh and is not cached any differently
    const generation = snapshot.ok ? snapshot.read.tokens.join('\u0001') : '?'
    // A load that writes fresh tokens names them before it writes them (synchronously, as it
    // starts): fetches that read those tokens afterwards join it too. They read after the
    // write, and its loader starts after the write, so it is as fresh as what they read. Without
    // this, the in-process store (whose writes land at once) would run a second loader for the
    // fetches of a cold key that start after the first one.
    // An asynchronous read may come back after a load of the same generation has finished and
    // stored its entry (on a Redis Cluster, with the tokens from one node and the entry from
    // another, read before the write landed): it reads once more, and finds that entry.
    let freshGeneration: string | undefined
    const work = this.flights.run(
      `${plan.keys.entry}\u0000${generation}`,
      () =>
        this.load(plan, loader, snapshot, (fresh) => {
          freshGeneration = fresh.join('\u0001')
        }),
      snapshot.ok ? snapshot.since : undefined,
      // Stryker disable next-line StringLiteral: any want but 'meta' reads the body, as 'body' does
      () => this.resolve(plan, loader, 'body'),
    )
    // Stryker disable next-line ConditionalExpression: an alias under `undefined` names a generation no read can have
    if (freshGeneration !== undefined)
      this.flights.join(`${plan.keys.entry}\u0000${freshGeneration}`, work)
    return work
  }

  private async load(
    plan: Plan,
    loader: Loader<unknown>,
    snapshot: Snapshot,
    writingTokens: (fresh: readonly string[]) => void,
  ): Promise<Resolved | undefined> {
    let cacheable = snapshot.ok
    // Stryker disable next-line ArrayDeclaration: the entry of an unreadable snapshot is never stored, and nobody reads its tokens
    let tokens = snapshot.ok ? snapshot.read.tokens : []
    if (cacheable && tokens.includes(undefined)) {
      // Absent tokens get fresh ones before the loader starts; written after it, they could
      // overwrite an invalidation that happened while it ran.
      const fresh = tokens.map((token) => token ?? newToken())
      writingTokens(fresh)
      const writes: TokenWrite[] = []
      plan.tokenKeys.forEach((key, index) => {
        if (tokens[index] === undefined) writes.push([key, fresh[index]!])
      })
      const current = (await this.writeTokens(writes, 'write'))
        ? await this.readTokens(plan)
        : undefined
      // Concurrent first fetches may each have written a token for the same key: adopt what
      // the store holds now, so their entries agree. The loader starts after this read, which
      // is all a snapshot needs.
      cacheable = current !== undefined
      tokens = current ?? fresh
    }
    const { emitter } = this.options
    const started = Date.now()
    const { backoff } = this.options
    emitter.stats.loads++
    let value: unknown
    try {
      value = await loader()
    } catch (error) {
      emitter.stats.loadErrors++
      // Every failure counts toward the backoff, however many callers wait on this load.
      // Stryker disable next-line ConditionalExpression: only the stale windows consult the backoff; a failure recorded for a key without them changes no answer
      if (servesStale(plan.freshness)) backoff.failed(plan.keys.entry, this.clock())
      // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
      if (emitter.has('load'))
        emitter.emit('load', { key: plan.keys.entry, duration: Date.now() - started, error })
      throw error
    }
    backoff.succeeded(plan.keys.entry)
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
    if (emitter.has('load')) {
      emitter.emit('load', { key: plan.keys.entry, duration: Date.now() - started })
    }
    if (value === undefined) return undefined
    const copied = copyValue(value)
    const { etag: strategy } = this.options
    const previous = snapshot.ok ? snapshot.read.meta : undefined
    // The text and tag wait until something reads them, unless they are needed now: to compare
    // with the entry this one replaces, or because they cannot wait (see canWait).
    let body: string | undefined
    let etag: string | undefined
    // Stryker disable next-line ConditionalExpression: computing the text and tag at once (the `true` mutant) gives the same ones later
    if (previous !== undefined || !canWait(strategy, copied)) {
      body = JSON.stringify(copied.value)
      etag = computeEtag(strategy, { value: copied.value, body }, plan.variant)
    }
    // Garner's own frozen copy: equal to what a later hit from any store decodes, and the
    // loader's object is left as the application made it.
    const record = new LoadedEntry(
      {
        tokens: tokens as string[],
        lastModified: nextLastModified(previous, etag, Date.now()),
        freshUntil: plan.ttl === undefined ? Number.POSITIVE_INFINITY : this.clock() + plan.ttl,
      },
      copied,
      strategy,
      plan.variant,
      { body, etag },
    )
    if (cacheable) {
      await this.attempt(
        () => this.options.driver.write(plan.keys, record, storeTtl(plan.ttl, plan.freshness)),
        'write',
        plan.keys.entry,
      )
    }
    return {
      hit: false,
      stale: false,
      meta: record,
      // Written when an HTTP answer asks for it (a fetch never does).
      get body(): string {
        return record.body
      },
      value: record.value,
      hasValue: true,
    }
  }

  /** The current tokens of `plan`'s bindings; `undefined` when they cannot all be read. */
  private async readTokens(plan: Plan): Promise<readonly string[] | undefined> {
    const read = await this.attempt(
      // Stryker disable next-line BooleanLiteral: reading the body too changes no token
      () => this.options.driver.read(plan.keys, plan.tokenKeys, false),
      'read',
      plan.keys.entry,
    )
    return read === FAILED || read.tokens.includes(undefined)
      ? undefined
      : (read.tokens as string[])
  }

  /** Writes tokens; `landed` collects the keys that landed when the write as a whole failed. */
  private async writeTokens(
    tokens: readonly TokenWrite[],
    operation: 'write' | 'invalidate',
    landed?: Set<string>,
  ): Promise<boolean> {
    const options =
      operation === 'invalidate'
        ? {
            durability: this.options.durability,
            landed: (keys: readonly string[]) => {
              // Stryker disable next-line OptionalChaining: every 'invalidate' caller passes a set
              for (const key of keys) landed?.add(key)
            },
          }
        : FIRST_TOKENS
    const written = await this.attempt(
      () => this.options.driver.writeTokens(tokens, this.options.tokenTtl, options),
      operation,
      tokens[0]![0],
    )
    return written !== FAILED
  }

  /** Retries queued invalidations; concurrent callers share one attempt. */
  private flushPending(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing
    // While the breaker is open the write would be refused without reaching the store (and the
    // refusal is not reported): skip building it.
    // Stryker disable next-line ConditionalExpression,OptionalChaining: the guarded write would be refused and not reported; only remote stores (with a guard) queue invalidations
    if (this.options.guard?.open || Date.now() < this.flushRetryAt) return Promise.resolve()
    const batch = [...this.pending]
    const landed = new Set<string>()
    this.flushing = this.writeTokens(
      batch.map(([key]) => [key, newToken()] as const),
      'invalidate',
      landed,
    )
      .then((written) => {
        if (!written) {
          // What landed (on the parts of the store that answered) needs no retry.
          for (const [key, version] of batch) {
            if (landed.has(key) && this.pending.get(key) === version) this.pending.delete(key)
          }
          // A store that answers but cannot confirm (replicas behind) opens no circuit: back off
          // here, so that reads do not each wait for a retry.
          this.flushBackoff = Math.min(
            MAX_FLUSH_BACKOFF,
            this.flushBackoff * 2 || MIN_FLUSH_BACKOFF,
          )
          this.flushRetryAt = Date.now() + this.flushBackoff
          return
        }
        this.flushBackoff = 0
        for (const [key, version] of batch) {
          if (this.pending.get(key) === version) this.pending.delete(key)
        }
      })
      .finally(() => {
        this.flushing = undefined
      })
    return this.flushing
  }

  /** Runs one store call (guarded for remote stores); a failure is reported and answers FAILED. */
  private async attempt<T>(
    call: () => Promise<T>,
    operation: Operation,
    key: string,
  ): Promise<T | typeof FAILED> {
    const { guard } = this.options
    try {
      return await (guard === undefined ? call() : guard.call(call))
    } catch (error) {
      this.report(operation, error, key)
      return FAILED
    }
  }

  /** Emits a store failure on `error`; the breaker's refusals were reported when it opened. */
  private report(operation: Operation, error: unknown, key: string): void {
    const { emitter } = this.options
    if (error === UNAVAILABLE) return
    emitter.stats.storeErrors++
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the payload
    if (!emitter.has('error')) return
    emitter.emit('error', { error: asStoreError(error), operation, key })
  }

  /** Reports a loader failure that Garner answered for (a stale value) or that nobody awaited. */
  private reportLoader(operation: 'load' | 'refresh', error: unknown, key: string): void {
    const { emitter } = this.options
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; the check only skips building the error
    if (!emitter.has('error')) return
    const garnerError =
      error instanceof GarnerError
        ? error
        : new GarnerError(
            'GARNER_LOADER_FAILED',
            `The loader for ${key} failed: ${error instanceof Error ? error.message : String(error)}. ` +
              'Garner answered with the stale value and will retry the loader after a backoff.',
            { cause: error },
          )
    emitter.emit('error', { error: garnerError, operation, key })
  }
}

function sameTokens(stored: readonly string[], current: readonly (string | undefined)[]): boolean {
  if (stored.length !== current.length) return false
  // Stryker disable next-line EqualityOperator: one step past the end compares undefined with undefined
  for (let index = 0; index < stored.length; index++) {
    if (stored[index] !== current[index]) return false
  }
  return true
}

function countHit(stats: StatsCounters, tier: 'near' | 'store' | undefined): void {
  if (tier === 'near') stats.hitsNear++
  else stats.hitsStore++
}

function countMiss(stats: StatsCounters, reason: MissReason): void {
  if (reason === 'absent') stats.missesAbsent++
  else if (reason === 'stale') stats.missesStale++
  else stats.missesUnavailable++
}

function absentSnapshot(plan: Plan): Snapshot {
  return {
    ok: true,
    read: {
      meta: undefined,
      body: undefined,
      // Stryker disable next-line BooleanLiteral: a snapshot without metadata is a miss, whose value nobody reads
      hasValue: false,
      tokens: plan.tokenKeys.map(() => undefined),
    },
  }
}

function loaderTimeout(key: string, timeout: number): GarnerError {
  return new GarnerError(
    'GARNER_LOADER_TIMEOUT',
    `The loader for ${key} did not finish within loaderTimeout (${timeout} ms). It keeps running ` +
      'and its value is cached when it finishes; set staleIfError to answer with the previous ' +
      'value meanwhile, or raise loaderTimeout.',
  )
}

function corruptBody(key: string, cause: unknown): GarnerError {
  return new GarnerError(
    'GARNER_CORRUPT_ENTRY',
    `Garner found a body it cannot parse under ${key}; it was treated as a miss and overwritten.`,
    { cause },
  )
}
