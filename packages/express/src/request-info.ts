// Maps an Express request onto the RequestInfo that Garner's key strategies read.
import { type RequestInfo, splitRequestTarget } from '@garner/core'
import type { Request } from 'express'

/**
 * The request as Garner sees it. The path and query come from `originalUrl`, exactly as
 * received (still percent-encoded), so routers mounted under different prefixes never share keys.
 */
export function requestInfo(req: Request): RequestInfo {
  const { path, query } = splitRequestTarget(req.originalUrl)
  return {
    method: req.method,
    path,
    query,
    header: (name) => {
      const value = req.headers[name.toLowerCase()]
      return Array.isArray(value) ? value.join(', ') : value
    },
  }
}
