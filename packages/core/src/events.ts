// Garner's events, for metrics and logging: a tiny typed emitter that costs one property read
// per emit when nobody listens.
import type { GarnerError } from './errors.js'
import { StatsCounters } from './stats.js'

/** Why a fetch did not use a cached entry. */
export type MissReason =
  /** No entry under the key (never stored, expired or evicted). */
  | 'absent'
  /** An entry was there, but a binding it was loaded under has been invalidated since. */
  | 'stale'
  /** The store could not be read (down, timed out, or an invalidation is still pending). */
  | 'unavailable'

/**
 * The id of an invalidated instance, as text (ids compare as text, so `42` and `'42'` are both
 * `'42'`), or an object of texts for a composite key.
 */
export type InvalidatedId = string | { readonly [field: string]: string }

/** The events a Garner instance emits and what each carries. */
export interface GarnerEvents {
  /**
   * A fetch was answered from the cache. `key` is the stored key; `tier` says what answered:
   * `near` for the near cache (process memory, no round trip), `store` for the store itself
   * (the in-process store, or Redis). `stale` is `true` when the entry was past its `ttl` (or
   * invalidated, with `staleAfterInvalidate`) and answered by a stale window:
   * stale-while-revalidate, or stale-if-error after the loader failed.
   */
  hit: { readonly key: string; readonly tier: 'near' | 'store'; readonly stale?: true }
  /** A fetch was not answered from the cache; the loader will run (or join a running one). */
  miss: { readonly key: string; readonly reason: MissReason }
  /**
   * A loader finished; `duration` in milliseconds. `error` is set when it threw (the error then
   * reaches the caller, unless a stale value answers for it). Not emitted for joined loads.
   */
  load: { readonly key: string; readonly duration: number; readonly error?: unknown }
  /**
   * A background refresh (stale-while-revalidate) finished: `ok` false when its loader failed
   * (the `error` event carries the error, with `operation: 'refresh'`). `duration` in ms.
   */
  refresh: { readonly key: string; readonly ok: boolean; readonly duration: number }
  /** `garner.invalidate(model, id?)` was called (emitted once the invalidation is recorded or queued). */
  invalidate: { readonly model: string; readonly id?: InvalidatedId }
  /**
   * Something went wrong that Garner handled by itself: the store failed or timed out (the fetch
   * used its loader), an entry could not be read (treated as a miss), a loader failed or timed
   * out and a stale value answered instead (`operation: 'load'`), a background refresh failed
   * (`operation: 'refresh'`), or a shared cache could not be purged (`operation: 'purge'`, `key`:
   * the first surrogate key of the batch).
   */
  error: {
    readonly error: GarnerError
    readonly operation: 'read' | 'write' | 'invalidate' | 'load' | 'refresh' | 'purge'
    readonly key?: string
  }
  /**
   * One call to a remote store finished (the in-process store is not timed); `duration` in
   * milliseconds, `error` set when it failed. A call abandoned after `storeTimeout` reports when
   * it settles, if ever; the timeout itself is an `error` event.
   */
  store: { readonly operation: StoreOperation; readonly duration: number; readonly error?: unknown }
  /**
   * One attempt to purge a batch of surrogate keys on a shared cache finished (see `purgers`).
   * `purger` is the purger's `name`; `keys` the surrogate keys in the batch; `invalidations` how
   * many invalidations the batch carries (those of one tick, and those that arrived while the
   * previous batch ran, share one batch); `attempt` counts from 1; `duration` in milliseconds.
   * `outcome`: `ok` when the cache confirmed the purge, `retried` when it failed and will be
   * retried after a backoff (with more keys if more arrived meanwhile), `failed` when it failed
   * for the last time and the batch is given up. A failed attempt carries its `error`, and is
   * also reported on the `error` event with `operation: 'purge'`.
   */
  purge: {
    readonly purger: string
    readonly keys: number
    readonly invalidations: number
    readonly attempt: number
    readonly outcome: PurgeOutcome
    readonly duration: number
    readonly error?: unknown
  }
}

/** How one purge attempt ended: confirmed, failed and to be retried, or failed and given up. */
export type PurgeOutcome = 'ok' | 'retried' | 'failed'

/**
 * The calls Garner makes to a store: entry reads, body reads, entry writes (and the refresh
 * claims of stale-while-revalidate), token writes.
 */
export type StoreOperation = 'read' | 'readBody' | 'write' | 'writeTokens'

/**
 * Runs the work of one miss (waiting for or running the loader, then storing the entry) on
 * behalf of a tracer, which can run it inside a span: `work` must be called once, and its
 * promise returned. Installed with `garner.traceMisses`. Hits never reach it.
 */
export type MissTracer = <T>(event: GarnerEvents['miss'], work: () => Promise<T>) => Promise<T>

/** A listener for event `E`. */
export type GarnerListener<E extends keyof GarnerEvents> = (event: GarnerEvents[E]) => void

type ListenerLists = { [E in keyof GarnerEvents]?: GarnerListener<E>[] }

/** The emitter behind `garner.on`. Listeners must not throw: a throw is logged and ignored. */
export class Emitter {
  // Every event has its slot from the start, so that every emitter has the same shape whoever
  // listens: the hit path's `has('hit')` then stays one monomorphic property read (adding
  // listeners to other events measurably slowed hits when the slots appeared on demand).
  // Stryker disable next-line ObjectLiteral: a missing slot reads as undefined, like an empty one; only the shape (speed) differs
  private readonly lists: ListenerLists = {
    hit: undefined,
    miss: undefined,
    load: undefined,
    refresh: undefined,
    invalidate: undefined,
    error: undefined,
    store: undefined,
    purge: undefined,
  }
  /** The counters behind `garner.stats()`, bumped at each emit site whether or not anyone listens. */
  readonly stats: StatsCounters = new StatsCounters()
  /** Wraps each miss's work when `garner.traceMisses` installed a tracer. */
  tracer: MissTracer | undefined = undefined

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof GarnerEvents>(event: E, listener: GarnerListener<E>): () => void {
    const lists = this.lists as { [K in E]?: GarnerListener<K>[] }
    lists[event] = [...(lists[event] ?? []), listener]
    return () => this.off(event, listener)
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof GarnerEvents>(event: E, listener: GarnerListener<E>): void {
    const lists = this.lists as { [K in E]?: GarnerListener<K>[] }
    const remaining = (lists[event] ?? []).filter((candidate) => candidate !== listener)
    lists[event] = remaining.length > 0 ? remaining : undefined
  }

  /** True when at least one listener waits for `event`: check before building a payload. */
  has(event: keyof GarnerEvents): boolean {
    return this.lists[event] !== undefined
  }

  emit<E extends keyof GarnerEvents>(event: E, payload: GarnerEvents[E]): void {
    const list = (this.lists as { [K in E]?: GarnerListener<K>[] })[event]
    if (list === undefined) return
    for (const listener of list) {
      try {
        listener(payload)
      } catch (error) {
        // A metrics or logging bug must not fail the request that triggered the event.
        console.error(`Garner: a '${event}' listener threw; the error was ignored.`, error)
      }
    }
  }
}
