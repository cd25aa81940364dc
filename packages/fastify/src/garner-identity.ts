// The plugin that gives every request a Garner identity on `request.garner`, keyed by its method,
// path and query, whose cacheOr304 answers through the request's reply.
import type { Garner, HttpResult, Identity, ResponseWriter } from '@garner/core'
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { requestInfo } from './request-info.js'

/** The request-scoped identity on `request.garner`; its `cacheOr304` resolves to the reply. */
export type FastifyIdentity = Identity<FastifyReply>

/** What a route answers when its loader returns `undefined`. */
export type NotFoundHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | Promise<FastifyReply>

/** Options of the {@link garnerIdentity} plugin. */
export interface GarnerIdentityOptions {
  /** The Garner instance whose cache the routes use. */
  readonly garner: Garner
  /**
   * Extra key context from the request, read by key strategies (the caller's user or role, a
   * tenant …). Called once per request.
   */
  readonly context?: (request: FastifyRequest) => Readonly<Record<string, unknown>>
  /**
   * What `cacheOr304` answers when the loader returns `undefined`. Default: Fastify's own
   * not-found handler (`reply.callNotFound()`), so `setNotFoundHandler` decides the answer.
   */
  readonly notFound?: NotFoundHandler
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request-scoped Garner identity, set by the `garnerIdentity` plugin of `@garner/fastify`. */
    garner: FastifyIdentity
  }
}

/** The default "not found": Fastify's not-found handler. */
export const defaultNotFound: NotFoundHandler = function notFound(_request, reply) {
  reply.callNotFound()
  return reply
}

/**
 * A plugin that puts a request-scoped identity on `request.garner` (an `onRequest` hook): its key
 * already holds the request's method, path and sorted query. Handlers extend it like the core
 * chain and return `cacheOr304`:
 *
 * ```ts
 * await app.register(garnerIdentity, { garner })
 * app.get<{ Params: { id: string } }>('/users/:id', (request) =>
 *   request.garner.bind(['User', request.params.id]).cacheOr304(() => db.user(request.params.id)),
 * )
 * ```
 *
 * Registered through `fastify-plugin`, so the decorator and the hook reach every route of the app.
 */
export const garnerIdentity: FastifyPluginCallback<GarnerIdentityOptions> =
  fp<GarnerIdentityOptions>(
    function garnerIdentity(fastify, options, done) {
      const { garner, context } = options
      if (garner === undefined || typeof garner.identity !== 'function') {
        done(
          new TypeError(
            '@garner/fastify: register garnerIdentity with the Garner instance to use: ' +
              'app.register(garnerIdentity, { garner: createGarner() }).',
          ),
        )
        return
      }
      const notFound = options.notFound ?? defaultNotFound
      fastify.decorateRequest('garner')
      // A callback hook, not an async one: no promise per request on Fastify's fast path.
      fastify.addHook('onRequest', function garnerIdentity(request, reply, next) {
        const extra = context === undefined ? undefined : context(request)
        request.garner = garner.identity(
          { ...extra, request: requestInfo(request) },
          new FastifyWriter(request, reply, notFound),
        )
        next()
      })
      done()
    },
    { fastify: '5.x', name: '@garner/fastify' },
  )

/** Copies Garner's answer onto Fastify's reply. */
class FastifyWriter implements ResponseWriter<FastifyReply> {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly onNotFound: NotFoundHandler,
  ) {}

  write(result: HttpResult): FastifyReply {
    this.reply.code(result.status).headers(result.headers)
    // The body is the stored JSON text: a string payload with its Content-Type set is sent by
    // Fastify as is, never serialized again.
    if (result.body !== undefined) return this.reply.send(result.body)
    if (result.status === 304) return this.reply.send()
    // A 200 without a body answers HEAD, with the cached body's Content-Length. Fastify's HEAD
    // routes measure the payload they are given (none would mean 0) but leave a stream's length
    // to the headers: an empty stream keeps Garner's, without reading the cached body.
    return this.reply.send(new ReadableStream())
  }

  notFound(): FastifyReply | Promise<FastifyReply> {
    return this.onNotFound(this.request, this.reply)
  }
}
