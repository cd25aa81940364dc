/**
 * `@garner/fastify`: Fastify glue for Garner. All caching logic lives in `@garner/core`.
 *
 * @module @garner/fastify
 */
export { cacheBust } from './cache-bust.js'
export {
  defaultNotFound,
  type FastifyIdentity,
  type GarnerIdentityOptions,
  garnerIdentity,
  type NotFoundHandler,
} from './garner-identity.js'
export { requestInfo } from './request-info.js'
