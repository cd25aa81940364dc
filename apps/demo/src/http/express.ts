// The demo's routes on Express 5, through @garner/express.
import type { Garner } from '@garner/core'
import { cacheBust, garnerIdentity } from '@garner/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import { MAX_BODY_BYTES, NOT_FOUND, type Reply, type Route } from './route.js'

export function expressApp(garner: Garner, routes: readonly Route[]): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // Express would add weak ETags of its own to every response; Garner's are the ones that count.
  app.set('etag', false)
  app.use(cacheBust())
  app.use(garnerIdentity(garner))
  // Bodies arrive as text whatever their Content-Type: the routes parse and validate them.
  const text = express.text({ type: () => true, limit: MAX_BODY_BYTES })

  for (const route of routes) {
    const register =
      app[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'].bind(app)
    register(route.path, text, async (req: Request, res: Response) => {
      await route.handle({
        identity: req.garner,
        params: req.params as Record<string, string>,
        query: (name) =>
          typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined,
        header: (name) => req.get(name),
        text: async () => (typeof req.body === 'string' ? req.body : ''),
        reply: (reply) => send(res, reply),
      })
    })
  }

  app.use((_req: Request, res: Response) => send(res, NOT_FOUND))
  // Errors answer JSON, never a stack trace: 4xx from Express itself (a body too large, a
  // malformed parameter), 500 for anything else.
  app.use((error: { status?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error.status === 'number' && error.status >= 400 && error.status < 500
        ? error.status
        : 500
    if (status === 500) console.error(error)
    send(res, { status, json: { error: status === 500 ? 'Internal error' : 'Bad request' } })
  })
  return app
}

function send(res: Response, reply: Reply): void {
  res.status(reply.status)
  if (reply.text !== undefined) res.type('application/json').send(reply.text)
  else if (reply.json !== undefined) res.json(reply.json)
  else res.end()
}
