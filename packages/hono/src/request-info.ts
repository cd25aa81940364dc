// Maps a Hono request onto the RequestInfo that Garner's key strategies read.
import { type RequestInfo, splitRequestTarget } from '@garner/core'
import type { HonoRequest } from 'hono'

/**
 * The request as Garner sees it. The path is taken from the URL as received, still
 * percent-encoded (Hono's `c.req.path` is decoded), so both adapters key a request the same way.
 */
export function requestInfo(req: HonoRequest): RequestInfo {
  const { path, query } = splitRequestTarget(req.url)
  return {
    method: req.method,
    path,
    query,
    header: (name) => req.header(name),
  }
}
