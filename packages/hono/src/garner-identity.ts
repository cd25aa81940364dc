// The middleware that gives every request a Garner identity on c.var, keyed by its method, path
// and query, whose cacheOr304 answers with a Response.
import type { Garner, HttpResult, Identity, ResponseWriter } from '@garner/core'
import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import { requestInfo } from './request-info.js'

/** The request-scoped identity on `c.var.garner`; its `cacheOr304` resolves to a Response. */
export type HonoIdentity = Identity<Response>

/** The variables `garnerIdentity` sets on the context. */
export type GarnerVariables = {
  /** The request-scoped identity, set by {@link garnerIdentity}. */
  garner: HonoIdentity
}

/** The Hono environment of apps and routes that use `garnerIdentity`. */
export type GarnerEnv = {
  /** What `c.var` holds: {@link GarnerVariables}. */
  Variables: GarnerVariables
}

/** Options of {@link garnerIdentity}. */
export interface GarnerIdentityOptions {
  /**
   * Extra key context from the request, read by key strategies (the caller's user or role, a
   * tenant …). Called once per request.
   */
  readonly context?: (c: Context) => Readonly<Record<string, unknown>>
  /** What `cacheOr304` answers when the loader returns `undefined`. Default: `c.notFound()`. */
  readonly notFound?: (c: Context) => Response | Promise<Response>
}

/**
 * Puts a request-scoped identity on `c.var.garner`: its key already holds the request's method,
 * path and sorted query. Routes extend it like the core chain and return `cacheOr304`:
 *
 * ```ts
 * app.get('/users/:id', (c) =>
 *   c.var.garner.bind(['User', c.req.param('id')]).cacheOr304(() => db.user(c.req.param('id'))),
 * )
 * ```
 */
export function garnerIdentity(
  garner: Garner,
  options: GarnerIdentityOptions = {},
): MiddlewareHandler<GarnerEnv> {
  const { context, notFound } = options
  // Not an async function: an extra async frame per request is measurable on Hono's fast path.
  return createMiddleware<GarnerEnv>(function garnerIdentity(c, next) {
    const extra = context === undefined ? undefined : context(c)
    c.set(
      'garner',
      garner.identity(
        { ...extra, request: requestInfo(c.req, c.env) },
        new HonoWriter(c, notFound),
      ),
    )
    return next()
  })
}

/** Copies Garner's answer onto Hono's context. */
class HonoWriter implements ResponseWriter<Response> {
  constructor(
    private readonly c: Context,
    private readonly onNotFound: GarnerIdentityOptions['notFound'],
  ) {}

  write(result: HttpResult): Response {
    // The body is the stored JSON text: sent as is, never serialized again.
    return result.body === undefined
      ? this.c.body(null, result.status, result.headers)
      : this.c.body(result.body, 200, result.headers)
  }

  notFound(): Response | Promise<Response> {
    return this.onNotFound === undefined ? this.c.notFound() : this.onNotFound(this.c)
  }
}
