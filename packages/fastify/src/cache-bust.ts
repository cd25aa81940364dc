// Garner's Cache::Bust for Fastify: dynamic responses tell clients and proxies not to reuse them.
import { CACHE_BUST_HEADERS } from '@garner/core'
import type { FastifyPluginCallback } from 'fastify'
import fp from 'fastify-plugin'

const BUST_ENTRIES = Object.entries(CACHE_BUST_HEADERS)

/**
 * A plugin that sets `Cache-Control: private, max-age=0, must-revalidate` and
 * `Expires: Fri, 01 Jan 1990 00:00:00 GMT` on every response that sets no `Cache-Control` of its
 * own. It runs in `onSend`, after the handler, so a handler's own header always wins; registered
 * through `fastify-plugin`, it covers the whole app whatever scope it is registered in.
 *
 * ```ts
 * await app.register(cacheBust)
 * ```
 */
export const cacheBust: FastifyPluginCallback = fp(
  function cacheBust(fastify, _options, done) {
    fastify.addHook('onSend', function cacheBust(_request, reply, payload, next) {
      if (!reply.hasHeader('cache-control')) {
        for (const [name, value] of BUST_ENTRIES) reply.header(name, value)
      }
      next(null, payload)
    })
    done()
  },
  { fastify: '5.x', name: '@garner/fastify/cache-bust' },
)
