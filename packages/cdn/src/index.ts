/**
 * `@garner/cdn`: purgers that carry Garner's bindings to shared caches. Attach them with
 * `createGarner({ purgers: [...] })`: public responses then carry their bindings as surrogate
 * keys, and every invalidation purges exactly what it made stale.
 *
 * @module @garner/cdn
 */

export {
  CLOUDFLARE_ENDPOINT,
  CLOUDFLARE_MAX_HEADER_LENGTH,
  CLOUDFLARE_MAX_TAGS_PER_PURGE,
  type CloudflarePurgerOptions,
  cloudflarePurger,
} from './cloudflare.js'
export {
  FASTLY_ENDPOINT,
  FASTLY_MAX_HEADER_LENGTH,
  FASTLY_MAX_KEYS_PER_PURGE,
  type FastlyPurgerOptions,
  fastlyPurger,
} from './fastly.js'
export {
  DEFAULT_REQUEST_TIMEOUT,
  type FetchFunction,
  PurgeRequestError,
  parseRetryAfter,
} from './purge-request.js'
export {
  DEFAULT_VARNISH_HEADER_LENGTH,
  VARNISH_PURGE_HEADER,
  VARNISH_SOFT_PURGE_HEADER,
  type VarnishPurgerOptions,
  varnishPurger,
} from './varnish.js'
