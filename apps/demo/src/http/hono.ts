// The demo's routes on Hono 4, through @garner/hono.
import type { Garner } from '@garner/core'
import { cacheBust, type GarnerEnv, garnerIdentity } from '@garner/hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status'
import { MAX_BODY_BYTES, NOT_FOUND, type Reply, type Route } from './route.js'

export function honoApp(garner: Garner, routes: readonly Route[]): Hono<GarnerEnv> {
  const app = new Hono<GarnerEnv>()
  app.use(cacheBust())
  app.use(garnerIdentity(garner))
  // The rest of an oversized body is never read, so the connection cannot carry another
  // request: close it with the 413.
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: 'The body is too large' }, 413, { Connection: 'close' }),
    }),
  )

  for (const route of routes) {
    app.on(route.method, route.path, (c) =>
      route.handle({
        identity: c.var.garner,
        params: c.req.param(),
        query: (name) => c.req.query(name),
        header: (name) => c.req.header(name),
        text: () => c.req.text(),
        reply: (reply: Reply): Response => {
          if (reply.text !== undefined) {
            return c.body(reply.text, reply.status as ContentfulStatusCode, {
              'Content-Type': 'application/json; charset=utf-8',
            })
          }
          if (reply.json !== undefined)
            return c.json(reply.json, reply.status as ContentfulStatusCode)
          return c.body(null, reply.status as StatusCode)
        },
      }),
    )
  }

  app.notFound((c) => c.json(NOT_FOUND.json, 404))
  // Errors answer JSON, never a stack trace.
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500)
      return c.json({ error: 'Bad request' }, error.status)
    console.error(error)
    return c.json({ error: 'Internal error' }, 500)
  })
  return app
}
