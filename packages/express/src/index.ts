/**
 * `@garner/express`: Express glue for Garner. All caching logic lives in `@garner/core`.
 *
 * @module @garner/express
 */
export { cacheBust } from './cache-bust.js'
export {
  type ExpressIdentity,
  type GarnerIdentityOptions,
  garnerIdentity,
} from './garner-identity.js'
export { requestInfo } from './request-info.js'
export { defaultNotFound, type NotFoundHandler } from './response-writer.js'
