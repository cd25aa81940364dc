// The Express app of the HTTP section: the same data through every route (see http-routes.ts).
import type { Garner } from '@garner/core'
import { garnerIdentity } from '@garner/express'
import apicache from 'apicache'
import express, { type NextFunction, type Request, type Response } from 'express'
import { PATHS, validatorHeaders } from './http-routes.js'

export function expressApp(
  garner: Garner,
  load: () => Promise<unknown>,
  constant: string,
): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // No weak ETags computed by Express on these routes: on the Garner route its own ETags are the
  // ones that count, and on the limit and the uncached route hashing each body would only add work.
  app.set('etag', false)

  app.get(PATHS.constant, (_req: Request, res: Response) => {
    res.type('application/json').send(constant)
  })
  app.get(PATHS.constantHeaders, (_req: Request, res: Response) => {
    res.set(validatorHeaders()).send(constant)
  })
  app.get(PATHS.identityOnly, garnerIdentity(garner), (_req: Request, res: Response) => {
    res.set(validatorHeaders()).send(constant)
  })
  app.get(PATHS.prisma, async (_req: Request, res: Response) => {
    res.json(await load())
  })
  // The identity middleware on the cached route only, so the other routes do not pay for it.
  app.get(PATHS.garner, garnerIdentity(garner), async (req: Request) => {
    await req.garner.bind('User').bind('Post').cacheOr304(load)
  })

  // apicache in a sub-app that keeps Express's default weak ETag: apicache answers a request's
  // If-None-Match from the ETag Express put on the response it cached.
  const peer = express()
  peer.disable('x-powered-by')
  peer.use(noContentLengthOn304)
  peer.get('/', apicache.middleware('5 minutes'), async (_req: Request, res: Response) => {
    res.json(await load())
  })
  app.use(PATHS.peer, peer)
  return app
}

/**
 * apicache's 304s carry the cached body's Content-Length. RFC 9110 allows that, but autocannon's
 * HTTP parser (http-parser-js) then waits for a body that never comes and the arm measures
 * nothing; so the header is dropped from 304s, which costs apicache one function call.
 */
function noContentLengthOn304(_req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => Response
  const patched = (status: number, ...rest: unknown[]): Response => {
    if (status === 304) {
      res.removeHeader('content-length')
      for (const arg of rest) {
        if (typeof arg === 'object' && arg !== null)
          delete (arg as Record<string, unknown>)['content-length']
      }
    }
    return writeHead(status, ...rest)
  }
  res.writeHead = patched as Response['writeHead']
  next()
}
