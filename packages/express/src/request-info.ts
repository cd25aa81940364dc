// Maps an Express request onto the RequestInfo that Garner's key strategies read.
import type { RequestInfo } from '@garner/core'
import type { Request } from 'express'

/**
 * The request as Garner sees it. The path and query come from `originalUrl`, exactly as
 * received (still percent-encoded), so routers mounted under different prefixes never share keys.
 */
export function requestInfo(req: Request): RequestInfo {
  const url = req.originalUrl
  const queryStart = url.indexOf('?')
  const hashStart = url.indexOf('#')
  const pathEnd = queryStart >= 0 ? queryStart : hashStart >= 0 ? hashStart : url.length
  const queryEnd = hashStart > queryStart ? hashStart : url.length
  return {
    method: req.method,
    path: url.slice(0, pathEnd),
    query: queryStart >= 0 ? url.slice(queryStart + 1, queryEnd) : '',
    header: (name) => {
      const value = req.headers[name.toLowerCase()]
      return Array.isArray(value) ? value.join(', ') : value
    },
  }
}
