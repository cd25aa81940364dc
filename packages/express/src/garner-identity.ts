// The middleware that gives every request a Garner identity keyed by its method, path and query.
import type { Garner, Identity } from '@garner/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { requestInfo } from './request-info.js'
import { defaultNotFound, type NotFoundHandler, responseWriter } from './response-writer.js'

/** The request-scoped identity on `req.garner`; its `cacheOr304` answers through `res`. */
export type ExpressIdentity = Identity<void>

/** Options of {@link garnerIdentity}. */
export interface GarnerIdentityOptions {
  /**
   * Extra key context from the request, read by key strategies (the caller's user or role, a
   * tenant …). Called once per request.
   */
  readonly context?: (req: Request) => Readonly<Record<string, unknown>>
  /** What `cacheOr304` answers when the loader returns `undefined`. Default `404 {"error":"Not found"}`. */
  readonly notFound?: NotFoundHandler
}

declare global {
  namespace Express {
    interface Request {
      /** The request-scoped Garner identity, set by `garnerIdentity(garner)`. */
      garner: ExpressIdentity
    }
  }
}

/**
 * Puts a request-scoped identity on `req.garner`: its key already holds the request's method,
 * path and sorted query. Handlers extend it like the core chain and answer with `cacheOr304`:
 *
 * ```ts
 * app.get('/users/:id', async (req, res) => {
 *   await req.garner.bind(['User', req.params.id]).cacheOr304(() => db.user(req.params.id))
 * })
 * ```
 */
export function garnerIdentity(
  garner: Garner,
  options: GarnerIdentityOptions = {},
): RequestHandler {
  const notFound = options.notFound ?? defaultNotFound
  const context = options.context
  return function garnerIdentity(req: Request, res: Response, next: NextFunction): void {
    const extra = context === undefined ? undefined : context(req)
    req.garner = garner.identity(
      { ...extra, request: requestInfo(req) },
      responseWriter(req, res, notFound),
    )
    next()
  }
}
