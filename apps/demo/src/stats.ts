// Counters for GET /stats, wired from Garner's events.
import type { Garner } from '@garner/core'

export interface CacheStats {
  hits: number
  misses: number
  invalidations: number
  storeErrors: number
}

/** Counts hits, misses, invalidations and store errors of `garner` from now on. */
export function trackStats(garner: Garner): CacheStats {
  const stats: CacheStats = { hits: 0, misses: 0, invalidations: 0, storeErrors: 0 }
  garner.on('hit', () => {
    stats.hits += 1
  })
  garner.on('miss', () => {
    stats.misses += 1
  })
  garner.on('invalidate', () => {
    stats.invalidations += 1
  })
  garner.on('error', () => {
    stats.storeErrors += 1
  })
  return stats
}
