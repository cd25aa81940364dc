/**
 * `@garner/hono`: Hono glue for Garner. All caching logic lives in `@garner/core`.
 *
 * @module @garner/hono
 */
export { cacheBust } from './cache-bust.js'
export {
  type GarnerEnv,
  type GarnerIdentityOptions,
  type GarnerVariables,
  garnerIdentity,
  type HonoIdentity,
} from './garner-identity.js'
export { requestInfo } from './request-info.js'
