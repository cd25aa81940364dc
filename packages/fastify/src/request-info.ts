// Maps a Fastify request onto the RequestInfo that Garner's key strategies read.
import type { RequestInfo } from '@garner/core'
import type { FastifyRequest } from 'fastify'

/**
 * The request as Garner sees it. The path and query come from `request.url`, exactly as received
 * (still percent-encoded, with any prefix the app is mounted under), so that Fastify keys a request
 * the way the Express and Hono adapters do.
 */
export function requestInfo(request: FastifyRequest): RequestInfo {
  const url = request.url
  const queryStart = url.indexOf('?')
  const hashStart = url.indexOf('#')
  const pathEnd = queryStart >= 0 ? queryStart : hashStart >= 0 ? hashStart : url.length
  const queryEnd = hashStart > queryStart ? hashStart : url.length
  const headers = request.headers
  return {
    method: request.method,
    path: url.slice(0, pathEnd),
    query: queryStart >= 0 ? url.slice(queryStart + 1, queryEnd) : '',
    header: (name) => {
      const value = headers[name.toLowerCase()]
      return Array.isArray(value) ? value.join(', ') : value
    },
  }
}
