// The Cache-Control of public cached responses: how long browsers and shared caches may reuse a
// response, and serve it stale (RFC 9111 max-age, RFC 5861 stale-while-revalidate and
// stale-if-error), derived from the same freshness options Garner caches by.
import type { Freshness } from '../protocol/freshness.js'

/** The directives of a public response's `Cache-Control`, in whole seconds. */
export interface PublicCacheDirectives {
  /** Seconds the response stays fresh; `undefined` for an entry without a `ttl`. */
  readonly maxAge: number | undefined
  /** Seconds after that in which a cache may answer it while revalidating; 0 for none. */
  readonly staleWhileRevalidate: number
  /** Seconds after that in which a cache may answer it when revalidation fails; 0 for none. */
  readonly staleIfError: number
  /**
   * Seconds shared caches (a CDN, Varnish) may keep it fresh (`s-maxage`); `undefined` for none,
   * as when no purger or `sharedMaxAge` applies.
   */
  readonly sharedMaxAge?: number | undefined
}

/** Public responses of entries without a `ttl`: caches keep them but revalidate every use. */
export const DEFAULT_PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate'

/**
 * The `Cache-Control` header for a public response with these directives — the one builder of
 * public headers:
 * `public, max-age=60, s-maxage=60, stale-while-revalidate=300, stale-if-error=3600`. `s-maxage`
 * only when `sharedMaxAge` is given. Without stale windows it ends in `must-revalidate` (no cache
 * may answer it stale, as Garner itself does not); without a `ttl` it is
 * {@link DEFAULT_PUBLIC_CACHE_CONTROL}, followed by the `s-maxage` if any.
 */
export function publicCacheControl(directives: PublicCacheDirectives): string {
  const { maxAge, staleWhileRevalidate, staleIfError, sharedMaxAge } = directives
  const shared = sharedMaxAge === undefined ? '' : `, s-maxage=${sharedMaxAge}`
  if (maxAge === undefined) return DEFAULT_PUBLIC_CACHE_CONTROL + shared
  let header = `public, max-age=${maxAge}${shared}`
  if (staleWhileRevalidate > 0) header += `, stale-while-revalidate=${staleWhileRevalidate}`
  if (staleIfError > 0) header += `, stale-if-error=${staleIfError}`
  if (staleWhileRevalidate === 0 && staleIfError === 0) header += ', must-revalidate'
  return header
}

/**
 * The directives for an entry fresh until `freshUntil` (ms, `Infinity` for no `ttl`) answered at
 * `now`: the time left of each window, so that no cache keeps the response fresh, or answers it
 * stale, for longer than Garner itself would. A stale answer has no freshness left.
 */
export function publicCacheDirectives(
  freshUntil: number,
  stale: boolean,
  freshness: Freshness,
  now: number,
): PublicCacheDirectives {
  if (freshUntil === Number.POSITIVE_INFINITY && !stale) {
    // Stryker disable next-line ObjectLiteral: publicCacheControl() reads nothing else when maxAge is undefined
    return { maxAge: undefined, staleWhileRevalidate: 0, staleIfError: 0 }
  }
  const staleFrom = stale ? Math.min(now, freshUntil) : freshUntil
  const from = Math.max(now, staleFrom)
  // staleFrom is finite here (an infinite freshUntil returned above, or was stale: now), and a
  // window of 0 leaves nothing after `from`: seconds() makes that 0.
  const left = (window: number): number => seconds(staleFrom + window - from)
  return {
    maxAge: seconds(staleFrom - now),
    staleWhileRevalidate: left(freshness.staleWhileRevalidate),
    staleIfError: left(freshness.staleIfError),
  }
}

function seconds(milliseconds: number): number {
  return Math.max(0, Math.floor(milliseconds / 1000))
}
