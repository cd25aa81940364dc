// Counters for GET /stats, wired from Garner's events.
import type { Garner } from '@garner/core'

export interface CacheStats {
  hits: number
  /** Hits by the tier that answered: the near cache (process memory) or the store. */
  hitsByTier: { near: number; store: number }
  misses: number
  invalidations: number
  storeErrors: number
  /** Hits answered from the feed's freshness windows. */
  staleHits: number
  /** Loader failures answered with a stale value, or hit by a background refresh. */
  loaderErrors: number
}

/** Counts hits (by tier, and stale ones), misses, invalidations, store and loader errors of `garner` from now on. */
export function trackStats(garner: Garner): CacheStats {
  const stats: CacheStats = {
    hits: 0,
    hitsByTier: { near: 0, store: 0 },
    misses: 0,
    invalidations: 0,
    storeErrors: 0,
    staleHits: 0,
    loaderErrors: 0,
  }
  garner.on('hit', ({ tier, stale }) => {
    stats.hits += 1
    stats.hitsByTier[tier] += 1
    if (stale) stats.staleHits += 1
  })
  garner.on('miss', () => {
    stats.misses += 1
  })
  garner.on('invalidate', () => {
    stats.invalidations += 1
  })
  garner.on('error', ({ operation }) => {
    if (operation === 'load' || operation === 'refresh') stats.loaderErrors += 1
    else stats.storeErrors += 1
  })
  return stats
}

/** A copy of the counters, for GET /stats. */
export function statsSnapshot(stats: CacheStats): CacheStats {
  return { ...stats, hitsByTier: { ...stats.hitsByTier } }
}

/** GET /health's view of the near cache: off, or whether its tracking connection is up. */
export function nearCacheState(garner: Garner): 'off' | 'connected' | 'disconnected' {
  const near = garner.nearCache
  if (near === undefined) return 'off'
  return near.connected ? 'connected' : 'disconnected'
}
