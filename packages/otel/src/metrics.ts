// Garner's metrics on an OpenTelemetry Meter. Hits, misses and the in-process tier are read from
// garner.stats() at collection time, so a hit records nothing and costs nothing; store call
// durations (one per Redis hit) are buffered and recorded in a batch at collection time; loaders,
// failed store calls, store errors and invalidations, which are slow or rare, record as their
// events arrive.
import type { Garner, GarnerEvents, StoreOperation } from '@garner/core'
import type { Attributes, BatchObservableResult, Meter } from '@opentelemetry/api'
import { errorType } from './error-type.js'
import { ATTRIBUTES, METRICS } from './names.js'
import { type StoreDurations, storeDurations } from './store-durations.js'

/** Bucket bounds of `garner.loader.duration`, in seconds: OpenTelemetry's HTTP duration buckets. */
export const LOADER_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]

/** Bucket bounds of `garner.store.duration`, in seconds: a Redis call takes well under a millisecond. */
export const STORE_DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]

/** Bucket bounds of `garner.purge.duration`, in seconds: a purge is an HTTP call to a cache's API. */
export const PURGE_DURATION_BUCKETS: readonly number[] = LOADER_DURATION_BUCKETS

/** Bucket bounds of `garner.purge.keys`: surrogate keys per batch. */
export const PURGE_KEYS_BUCKETS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000]

/** Records `garner`'s metrics on `meter`; returns the function that stops recording. */
export function recordMetrics(
  garner: Garner,
  meter: Meter,
  base: Attributes,
  recordStoreDurations: boolean,
): () => void {
  const hits = meter.createObservableCounter(METRICS.hits, {
    description: 'Fetches answered from the cache, by the tier that answered.',
    unit: '{hit}',
  })
  const staleServed = meter.createObservableCounter(METRICS.staleServed, {
    description: 'Hits that served a stale value under a freshness policy.',
    unit: '{hit}',
  })
  const misses = meter.createObservableCounter(METRICS.misses, {
    description: 'Fetches not answered from the cache, by reason.',
    unit: '{miss}',
  })
  const memoryEntries = meter.createObservableGauge(METRICS.memoryEntries, {
    description: 'Entries and generation tokens held in process.',
    unit: '{entry}',
  })
  const memoryUsage = meter.createObservableGauge(METRICS.memoryUsage, {
    description: 'Estimated bytes held in process.',
    unit: 'By',
  })
  const memoryEvictions = meter.createObservableCounter(METRICS.memoryEvictions, {
    description: 'Entries and tokens evicted to stay within the in-process bounds.',
    unit: '{eviction}',
  })
  const loaderDuration = meter.createHistogram(METRICS.loaderDuration, {
    description: 'How long loaders ran (the work a miss costs).',
    unit: 's',
    advice: { explicitBucketBoundaries: [...LOADER_DURATION_BUCKETS] },
  })
  const storeDuration = meter.createHistogram(METRICS.storeDuration, {
    description: 'How long calls to the remote store took.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...STORE_DURATION_BUCKETS] },
  })
  const storeErrors = meter.createCounter(METRICS.storeErrors, {
    description: 'Store failures Garner handled by answering from the loader.',
    unit: '{error}',
  })
  const invalidations = meter.createCounter(METRICS.invalidations, {
    description: 'Invalidations, by model.',
    unit: '{invalidation}',
  })

  const purges = meter.createCounter(METRICS.purges, {
    description: 'Purge attempts on shared caches, by purger and outcome.',
    unit: '{attempt}',
  })
  const purgeDuration = meter.createHistogram(METRICS.purgeDuration, {
    description: 'How long purge attempts on shared caches took.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...PURGE_DURATION_BUCKETS] },
  })
  const purgeKeys = meter.createHistogram(METRICS.purgeKeys, {
    description: 'Surrogate keys per purge attempt.',
    unit: '{key}',
    advice: { explicitBucketBoundaries: [...PURGE_KEYS_BUCKETS] },
  })

  // Attribute sets that never change are built once.
  const near = { ...base, [ATTRIBUTES.tier]: 'near' }
  const store = { ...base, [ATTRIBUTES.tier]: 'store' }
  const absent = { ...base, [ATTRIBUTES.missReason]: 'absent' }
  const stale = { ...base, [ATTRIBUTES.missReason]: 'stale' }
  const unavailable = { ...base, [ATTRIBUTES.missReason]: 'unavailable' }
  const tierAttributes = { near, store }
  const operation = (name: StoreOperation): Attributes => ({
    ...base,
    [ATTRIBUTES.storeOperation]: name,
  })
  const storeOperations: Record<StoreOperation, Attributes> = {
    read: operation('read'),
    readBody: operation('readBody'),
    write: operation('write'),
    writeTokens: operation('writeTokens'),
  }

  const durations: StoreDurations | undefined = recordStoreDurations
    ? storeDurations(storeDuration, storeOperations)
    : undefined

  function observeStats(result: BatchObservableResult): void {
    // Observable callbacks run before the synchronous instruments are collected: the buffered
    // store durations land in this collection.
    durations?.flush()
    const stats = garner.stats()
    result.observe(hits, stats.hitsByTier.near, near)
    result.observe(hits, stats.hitsByTier.store, store)
    result.observe(staleServed, stats.staleServed, base)
    result.observe(misses, stats.missesByReason.absent, absent)
    result.observe(misses, stats.missesByReason.stale, stale)
    result.observe(misses, stats.missesByReason.unavailable, unavailable)
    const memory = stats.memory
    if (memory !== undefined) {
      const attributes = tierAttributes[memory.tier]
      result.observe(memoryEntries, memory.entries, attributes)
      result.observe(memoryUsage, memory.bytes, attributes)
      result.observe(memoryEvictions, memory.evictions, attributes)
    }
  }
  const observed = [hits, staleServed, misses, memoryEntries, memoryUsage, memoryEvictions]
  meter.addBatchObservableCallback(observeStats, observed)

  const unsubscribe = [
    garner.on('load', function recordLoad(event: GarnerEvents['load']) {
      loaderDuration.record(
        event.duration / 1000,
        event.error === undefined
          ? base
          : { ...base, [ATTRIBUTES.errorType]: errorType(event.error) },
      )
    }),
    garner.on('error', function recordStoreError(event: GarnerEvents['error']) {
      // A loader failure answered stale, or a failed background refresh, is not a store error:
      // its load is recorded with its error type in the loader duration. Nor is a purge that
      // failed (counted in garner.purges) or was not confirmed in time (the purge goes on).
      if (
        event.operation === 'load' ||
        event.operation === 'refresh' ||
        event.operation === 'purge'
      ) {
        return
      }
      storeErrors.add(1, {
        ...base,
        [ATTRIBUTES.operation]: event.operation,
        [ATTRIBUTES.errorType]: event.error.code,
      })
    }),
    garner.on('purge', function recordPurge(event: GarnerEvents['purge']) {
      const attributes: Attributes = {
        ...base,
        [ATTRIBUTES.purger]: event.purger,
        [ATTRIBUTES.purgeOutcome]: event.outcome,
      }
      purgeDuration.record(event.duration / 1000, attributes)
      purgeKeys.record(event.keys, attributes)
      purges.add(
        1,
        event.error === undefined
          ? attributes
          : { ...attributes, [ATTRIBUTES.errorType]: errorType(event.error) },
      )
    }),
    garner.on('invalidate', function recordInvalidation(event: GarnerEvents['invalidate']) {
      invalidations.add(1, {
        ...base,
        [ATTRIBUTES.model]: event.model,
        [ATTRIBUTES.invalidationScope]: event.id === undefined ? 'model' : 'instance',
      })
    }),
  ]

  if (durations !== undefined) {
    unsubscribe.push(
      garner.on('store', function recordStoreCall(event: GarnerEvents['store']) {
        // Every hit on a remote store lands here: successful calls are buffered (see
        // store-durations.ts), failures are rare and carry their error type.
        if (event.error === undefined) {
          durations.add(event.operation, event.duration / 1000)
        } else {
          storeDuration.record(event.duration / 1000, {
            ...storeOperations[event.operation],
            [ATTRIBUTES.errorType]: errorType(event.error),
          })
        }
      }),
    )
  }

  return function stopMetrics(): void {
    for (const off of unsubscribe) off()
    // What was buffered is still reported, at the next collection.
    durations?.flush()
    meter.removeBatchObservableCallback(observeStats, observed)
  }
}
