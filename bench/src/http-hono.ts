// The Hono app of the HTTP section: the same data through every route (see http-routes.ts).
import type { Garner } from '@garner/core'
import { type GarnerEnv, garnerIdentity } from '@garner/hono'
import { Hono } from 'hono'
import { etag } from 'hono/etag'
import { PATHS, validatorHeaders } from './http-routes.js'

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export function honoApp(
  garner: Garner,
  load: () => Promise<unknown>,
  constant: string,
): Hono<GarnerEnv> {
  const app = new Hono<GarnerEnv>()
  // A fresh header object per response: @hono/node-server may keep and change the one it gets.
  app.get(PATHS.constant, (c) => c.body(constant, 200, { 'Content-Type': JSON_CONTENT_TYPE }))
  app.get(PATHS.constantHeaders, (c) => c.body(constant, 200, validatorHeaders()))
  app.get(PATHS.identityOnly, garnerIdentity(garner), (c) =>
    c.body(constant, 200, validatorHeaders()),
  )
  app.get(PATHS.prisma, async (c) => c.json(await load()))
  // The identity middleware on the cached route only, so the other routes do not pay for it.
  app.get(PATHS.garner, garnerIdentity(garner), (c) =>
    c.var.garner.bind('User').bind('Post').cacheOr304(load),
  )
  // Hono's etag middleware hashes the body the route produced: it saves the download on a
  // match, not the query.
  app.get(PATHS.peer, etag(), async (c) => c.json(await load()))
  return app
}
