/**
 * `@garner/core`: the public surface. Adapters import only from here.
 *
 * @module @garner/core
 */

export { GarnerError, type GarnerErrorCode, isGarnerError } from './errors.js'
export type {
  GarnerEvents,
  GarnerListener,
  InvalidatedId,
  MissReason,
  MissTracer,
  PurgeOutcome,
  StoreOperation,
} from './events.js'
export {
  createGarner,
  DEFAULT_INVALIDATION_TIMEOUT,
  DEFAULT_NAMESPACE,
  DEFAULT_PURGE_TIMEOUT,
  DEFAULT_SHARED_MAX_AGE,
  DEFAULT_STORE_TIMEOUT,
  DEFAULT_TOKEN_TTL,
  type FetchOptions,
  type Garner,
  type GarnerOptions,
  type InvalidationOptions,
} from './garner.js'
export {
  type PublicCacheDirectives,
  publicCacheControl,
  publicCacheDirectives,
} from './http/cache-control.js'
export {
  type ConditionalHeaders,
  etagMatches,
  formatHttpDate,
  hasPreconditions,
  isNotModified,
  parseHttpDate,
  type Validators,
} from './http/conditional.js'
export { CREDENTIAL_HEADERS } from './http/credentials.js'
export {
  CACHE_BUST_HEADERS,
  CACHEABLE_METHODS,
  cacheControlFor,
  DEFAULT_CACHE_CONTROL,
  DEFAULT_PUBLIC_CACHE_CONTROL,
  DEFAULT_VARY,
  type HttpResult,
  JSON_CONTENT_TYPE,
  type RespondOptions,
  type ResponseWriter,
} from './http/http.js'
export type { Purger, SurrogateKeyHeader } from './http/purger.js'
export { type RequestTarget, splitRequestTarget } from './http/request-target.js'
export { MAX_SURROGATE_KEY_LENGTH, purgeKeys, surrogateKeys } from './http/surrogate-keys.js'
export type { Entry, EntryResult, Identity, IdentityOptions } from './identity.js'
export { encodeKey, type KeyPart, MAX_PLAIN_KEY_LENGTH } from './keys/key.js'
export {
  DEFAULT_KEY_STRATEGIES,
  explicitKey,
  type KeyContext,
  type KeyObject,
  type KeyStrategy,
  type RequestInfo,
  requestMethod,
  requestPath,
  requestQuery,
  version,
} from './keys/strategies/index.js'
export type { Binding, BindingId, Bindings } from './protocol/binding.js'
export type { Loader } from './protocol/engine.js'
export {
  bodyHashEtag,
  canonicalHashEtag,
  type ETagInput,
  type ETagStrategy,
} from './protocol/etag.js'
export type { Freshness, FreshnessOptions } from './protocol/freshness.js'
export {
  DEFAULT_LOADER_BACKOFF_MAX,
  DEFAULT_LOADER_BACKOFF_MIN,
  type LoaderBackoffOptions,
} from './protocol/loader-backoff.js'
export type { GarnerStats, MemoryTierStats } from './stats.js'
export type { KeyvLike } from './store/keyv-store.js'
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  type MemoryStore,
  type MemoryStoreOptions,
  memoryStore,
} from './store/memory-store.js'
export {
  DEFAULT_NEAR_CACHE_HEARTBEAT,
  type NearCacheOptions,
  type NearCacheStatus,
} from './store/near-cache.js'
export type {
  Durability,
  EntryKeys,
  EntryMeta,
  EntryRecord,
  StoreDriver,
  StoreRead,
  TokenWrite,
  TokenWriteOptions,
} from './store/store.js'
export { TRACKING_CLIENT_NAME } from './store/tracking.js'
