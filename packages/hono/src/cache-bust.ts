// Garner's Cache::Bust for Hono: dynamic responses tell clients and proxies not to reuse them.
import { CACHE_BUST_HEADERS } from '@garner/core'
import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'

/**
 * Sets `Cache-Control: private, max-age=0, must-revalidate` and
 * `Expires: Fri, 01 Jan 1990 00:00:00 GMT` on every response that sets no `Cache-Control` of
 * its own.
 */
export function cacheBust(): MiddlewareHandler {
  return createMiddleware(async function cacheBust(c, next) {
    await next()
    if (c.res.headers.has('Cache-Control')) return
    for (const [name, value] of Object.entries(CACHE_BUST_HEADERS)) c.header(name, value)
  })
}
