// Garner's Cache::Bust for Express: dynamic responses tell clients and proxies not to reuse them.
import { CACHE_BUST_HEADERS } from '@garner/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

/**
 * Sets `Cache-Control: private, max-age=0, must-revalidate` and
 * `Expires: Fri, 01 Jan 1990 00:00:00 GMT` on every response that sets no `Cache-Control` of
 * its own, just before its headers are written (so a handler's own header always wins).
 */
export function cacheBust(): RequestHandler {
  return function cacheBust(_req: Request, res: Response, next: NextFunction): void {
    const writeHead = res.writeHead
    res.writeHead = function writeHeadWithCacheBust(this: Response, ...args: unknown[]) {
      if (!res.hasHeader('Cache-Control') && !setsCacheControl(args)) {
        for (const [name, value] of Object.entries(CACHE_BUST_HEADERS)) res.setHeader(name, value)
      }
      return (writeHead as (...rest: unknown[]) => Response).apply(this, args)
    } as Response['writeHead']
    next()
  }
}

/** True when `writeHead(status, [message], headers)` is given a Cache-Control header itself. */
function setsCacheControl(args: readonly unknown[]): boolean {
  const headers = args.find((arg) => typeof arg === 'object' && arg !== null)
  if (headers === undefined) return false
  const names = Array.isArray(headers)
    ? headers.filter((_, index) => index % 2 === 0)
    : Object.keys(headers as Record<string, unknown>)
  return names.some((name) => String(name).toLowerCase() === 'cache-control')
}
