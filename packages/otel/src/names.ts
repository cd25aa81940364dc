// The names @garner/otel reports under, in OpenTelemetry's semantic-convention style: dotted
// lower-case namespaces, units in UCUM, durations in seconds, no `_total` (exporters add it).

/** Every metric @garner/otel records, by name. */
export const METRICS = {
  /** Fetches answered from the cache, by `garner.tier`. Counter, `{hit}`. */
  hits: 'garner.hits',
  /** Hits that served a stale value under a freshness policy. Counter, `{hit}`. */
  staleServed: 'garner.stale_served',
  /** Fetches not answered from the cache, by `garner.miss.reason`. Counter, `{miss}`. */
  misses: 'garner.misses',
  /** How long loaders ran, with `error.type` when they threw. Histogram, seconds. */
  loaderDuration: 'garner.loader.duration',
  /** How long remote store calls took, by `garner.store.operation`, with `error.type`. Histogram, seconds. */
  storeDuration: 'garner.store.duration',
  /** Store failures Garner handled (it answered from the loader), by `garner.operation` and `error.type`. Counter, `{error}`. */
  storeErrors: 'garner.store.errors',
  /** Invalidations, by `garner.model` and `garner.invalidation.scope`. Counter, `{invalidation}`. */
  invalidations: 'garner.invalidations',
  /** Entries and tokens held in process (near cache or in-process store), by `garner.tier`. Gauge, `{entry}`. */
  memoryEntries: 'garner.memory.entries',
  /** Estimated bytes held in process, by `garner.tier`. Gauge, bytes. */
  memoryUsage: 'garner.memory.usage',
  /** Entries and tokens evicted to stay within the in-process bounds, by `garner.tier`. Counter, `{eviction}`. */
  memoryEvictions: 'garner.memory.evictions',
  /** Purge attempts on shared caches, by `garner.purger` and `garner.purge.outcome`, with `error.type` when they failed. Counter, `{attempt}`. */
  purges: 'garner.purges',
  /** How long purge attempts took, by `garner.purger` and `garner.purge.outcome`. Histogram, seconds. */
  purgeDuration: 'garner.purge.duration',
  /** Surrogate keys per purge attempt (the batch size), by `garner.purger` and `garner.purge.outcome`. Histogram, `{key}`. */
  purgeKeys: 'garner.purge.keys',
} as const

/** The attributes @garner/otel puts on metric points and spans. */
export const ATTRIBUTES = {
  /** The instance's namespace: tells two caches of one process apart. On every point and span. */
  namespace: 'garner.namespace',
  /** What answered a hit: `near` (the near cache) or `store`. */
  tier: 'garner.tier',
  /** Why a fetch missed: `absent`, `stale` or `unavailable`. */
  missReason: 'garner.miss.reason',
  /** A store call: `read`, `readBody`, `write`, `writeTokens`. */
  storeOperation: 'garner.store.operation',
  /** What Garner was doing when the store failed: `read`, `write`, `invalidate`. */
  operation: 'garner.operation',
  /** The invalidated model's name. */
  model: 'garner.model',
  /** `instance` (`invalidate('User', 42)`) or `model` (`invalidate('User')`). */
  invalidationScope: 'garner.invalidation.scope',
  /** The purger's `name`: `varnish`, `fastly`, `cloudflare` … */
  purger: 'garner.purger',
  /** How a purge attempt ended: `ok`, `retried` (failed, retried after a backoff) or `failed` (given up). */
  purgeOutcome: 'garner.purge.outcome',
  /** The stored key of the fetch a span is about. */
  key: 'garner.key',
  /** OpenTelemetry's `error.type`: a GarnerError's code, or the error's class name. */
  errorType: 'error.type',
} as const

/** Span names: one span per fetch that misses, with the loader and store calls as children. */
export const SPANS = {
  miss: 'garner.miss',
  load: 'garner.load',
  store: 'garner.store',
} as const
