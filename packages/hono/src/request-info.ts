// Maps a Hono request onto the RequestInfo that Garner's key strategies read.
import type { RequestInfo } from '@garner/core'
import type { HonoRequest } from 'hono'

/**
 * The request as Garner sees it. The path is taken from the URL as received, still
 * percent-encoded (Hono's `c.req.path` is decoded), so both adapters key a request the same way.
 */
export function requestInfo(req: HonoRequest): RequestInfo {
  const url = req.url
  const pathStart = url.indexOf('/', url.indexOf('://') + 3)
  const queryStart = url.indexOf('?', pathStart)
  const hashStart = url.indexOf('#', pathStart)
  const pathEnd = queryStart >= 0 ? queryStart : hashStart >= 0 ? hashStart : url.length
  const queryEnd = hashStart > queryStart ? hashStart : url.length
  return {
    method: req.method,
    path: pathStart >= 0 ? url.slice(pathStart, pathEnd) : '/',
    query: queryStart >= 0 ? url.slice(queryStart + 1, queryEnd) : '',
    header: (name) => req.header(name),
  }
}
