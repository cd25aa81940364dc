// garner.stats(): plain counters, bumped where the matching events are emitted, so that reading
// them costs nothing and counting costs an increment whether or not anyone listens.

/** What `garner.stats()` returns: counts since the instance was created. */
export interface GarnerStats {
  /** Fetches answered from the cache, stale answers included. */
  readonly hits: number
  /** {@link hits} by the tier that answered: the near cache (process memory) or the store. */
  readonly hitsByTier: { readonly near: number; readonly store: number }
  /** Hits that served a stale value (a freshness policy allowed it). Included in {@link hits}. */
  readonly staleServed: number
  /** Fetches not answered from the cache. */
  readonly misses: number
  /** {@link misses} by reason (see `MissReason`). */
  readonly missesByReason: {
    readonly absent: number
    readonly stale: number
    readonly unavailable: number
  }
  /**
   * Loaders run (not counting fetches that joined a running loader), failed ones and background
   * refreshes included.
   */
  readonly loads: number
  /** Loaders that threw. */
  readonly loadErrors: number
  /** Models and instances invalidated (`invalidateMany` counts each target). */
  readonly invalidations: number
  /** Store failures Garner handled by itself: each one is also an `error` event. */
  readonly storeErrors: number
  /** The in-process tier (the near cache, or the in-process store), when there is one. */
  readonly memory: MemoryTierStats | undefined
}

/** Size and evictions of the in-process tier. */
export interface MemoryTierStats {
  /** Which tier this is: the near cache in front of a remote store, or the store itself. */
  readonly tier: 'near' | 'store'
  /** Entries and generation tokens held. */
  readonly entries: number
  /** Estimated bytes held. */
  readonly bytes: number
  /** Entries and tokens dropped to stay within the bounds, since creation. */
  readonly evictions: number
}

/** The mutable counters behind {@link GarnerStats}, shared by everything that emits events. */
export class StatsCounters {
  hitsNear = 0
  hitsStore = 0
  staleServed = 0
  missesAbsent = 0
  missesStale = 0
  missesUnavailable = 0
  loads = 0
  loadErrors = 0
  invalidations = 0
  storeErrors = 0

  /** A frozen-in-time copy, with the in-process tier's figures when there is one. */
  snapshot(memory: MemoryTierStats | undefined): GarnerStats {
    return {
      hits: this.hitsNear + this.hitsStore,
      hitsByTier: { near: this.hitsNear, store: this.hitsStore },
      staleServed: this.staleServed,
      misses: this.missesAbsent + this.missesStale + this.missesUnavailable,
      missesByReason: {
        absent: this.missesAbsent,
        stale: this.missesStale,
        unavailable: this.missesUnavailable,
      },
      loads: this.loads,
      loadErrors: this.loadErrors,
      invalidations: this.invalidations,
      storeErrors: this.storeErrors,
      memory,
    }
  }
}
