// The path and query of a request as received, still percent-encoded, from what each framework
// exposes: an origin-form target (`/a/b?x=1`, Express's originalUrl) or an absolute URL (Hono's
// `c.req.url`). Both adapters split with this, so they key the same request the same way.

/** A request's raw path and query (without `?`), fragment dropped. */
export interface RequestTarget {
  readonly path: string
  readonly query: string
}

/** Splits an origin-form request target or an absolute URL into its raw path and query. */
export function splitRequestTarget(target: string): RequestTarget {
  // An absolute URL's path starts after its authority (which ends at the first / ? or #).
  let start = 0
  const scheme = target.indexOf('://')
  if (scheme >= 0) {
    start = scheme + 3
    // Stryker disable next-line EqualityOperator: at the end, target[start] is undefined, which is no separator either; the path is then empty all the same
    while (start < target.length && !'/?#'.includes(target[start]!)) start++
  }
  const hash = target.indexOf('#', start)
  const end = hash < 0 ? target.length : hash
  const queryStart = target.indexOf('?', start)
  const hasQuery =
    queryStart >= 0 &&
    // Stryker disable next-line EqualityOperator: a `?` never sits where the `#` or the end is, so queryStart is never equal to end
    queryStart < end
  const path = target.slice(start, hasQuery ? queryStart : end)
  return {
    path: path === '' ? '/' : path,
    query: hasQuery ? target.slice(queryStart + 1, end) : '',
  }
}
