/**
 * `@garner/core`: the public surface. Adapters import only from here.
 *
 * @module @garner/core
 */
export type { Binding, BindingId, Bindings } from './binding.js'
export {
  type ConditionalHeaders,
  etagMatches,
  formatHttpDate,
  hasPreconditions,
  isNotModified,
  parseHttpDate,
  type Validators,
} from './conditional.js'
export { CREDENTIAL_HEADERS } from './credentials.js'
export type { Loader } from './engine.js'
export { GarnerError, type GarnerErrorCode, isGarnerError } from './errors.js'
export { bodyHashEtag, canonicalHashEtag, type ETagInput, type ETagStrategy } from './etag.js'
export type { GarnerEvents, GarnerListener, InvalidatedId, MissReason } from './events.js'
export {
  createGarner,
  DEFAULT_NAMESPACE,
  DEFAULT_STORE_TIMEOUT,
  DEFAULT_TOKEN_TTL,
  type FetchOptions,
  type Garner,
  type GarnerOptions,
} from './garner.js'
export {
  CACHE_BUST_HEADERS,
  CACHEABLE_METHODS,
  DEFAULT_CACHE_CONTROL,
  DEFAULT_PUBLIC_CACHE_CONTROL,
  DEFAULT_VARY,
  type HttpResult,
  JSON_CONTENT_TYPE,
  type RespondOptions,
  type ResponseWriter,
} from './http.js'
export type { Entry, EntryResult, Identity, IdentityOptions } from './identity.js'
export { encodeKey, type KeyPart, MAX_PLAIN_KEY_LENGTH } from './key.js'
export type { KeyvLike } from './keyv-store.js'
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  type MemoryStore,
  type MemoryStoreOptions,
  memoryStore,
} from './memory-store.js'
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
} from './strategies/index.js'
