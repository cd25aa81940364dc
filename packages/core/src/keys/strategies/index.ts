// The built-in key strategies and the default pipeline.
import { explicitKey } from './explicit-key.js'
import type { KeyStrategy } from './key-strategy.js'
import { requestMethod } from './request-method.js'
import { requestPath } from './request-path.js'
import { requestQuery } from './request-query.js'

export { explicitKey } from './explicit-key.js'
export type { KeyContext, KeyObject, KeyStrategy, RequestInfo } from './key-strategy.js'
export { requestMethod } from './request-method.js'
export { requestPath } from './request-path.js'
export { requestQuery, sortedQuery } from './request-query.js'
export { version } from './version.js'

/**
 * The default pipeline: the explicit key, then the request's method, path and sorted query. The
 * request strategies add nothing when there is no request, so `garner.fetch(key)` is keyed by
 * `key` alone and an HTTP adapter's identity by the request and any explicit parts.
 */
export const DEFAULT_KEY_STRATEGIES: readonly KeyStrategy[] = Object.freeze([
  explicitKey,
  requestMethod,
  requestPath,
  requestQuery,
])
