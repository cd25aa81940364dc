// The contract between Garner and a shared cache it can purge (Varnish, Fastly, Cloudflare …):
// which response header carries surrogate keys, and how to purge by them. @garner/cdn implements
// it for three caches; core only calls it.

/** The response header a shared cache reads surrogate keys from, and its documented limits. */
export interface SurrogateKeyHeader {
  /** Header name: `xkey` (Varnish), `Surrogate-Key` (Fastly), `Cache-Tag` (Cloudflare). */
  readonly name: string
  /** What separates keys in the header: a space or a comma. */
  readonly separator: ' ' | ','
  /**
   * Most bytes the header value may hold. A response whose keys would not fit carries coarser
   * ones (a model key instead of its instance keys), never a truncated list.
   */
  readonly maxLength: number
}

/**
 * A shared cache Garner purges on every invalidation. `purge` receives surrogate keys in the form
 * the header carries them (see the "Behind a CDN" guide) and resolves once the cache has dropped
 * what they tag. It may split `keys` into as many requests as its API needs.
 *
 * To be retried, `purge` throws (or rejects); an error with a numeric `retryAfter` property (in
 * milliseconds, for example from a `429` answer's `Retry-After`) delays the next attempt at least
 * that long.
 */
export interface Purger {
  /** Names the cache in error messages: `varnish`, `fastly`, `cloudflare` … */
  readonly name: string
  /** The header public responses carry their surrogate keys in, for this cache. */
  readonly header: SurrogateKeyHeader
  /** Purges every object tagged with any of `keys`. */
  purge(keys: readonly string[]): Promise<void>
}
