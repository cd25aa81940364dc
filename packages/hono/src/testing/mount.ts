// Mounts the HTTP conformance suite's routes on a Hono app served on a free port.
import { isCachedAnswer, type MountApp } from '@garner/testing'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { cacheBust, type GarnerEnv, garnerIdentity } from '../index.js'

/** The suite's mount function for Hono 4 through @hono/node-server. */
export const mountHono: MountApp = async (garner, routes) => {
  const app = new Hono<GarnerEnv>()
  app.use(cacheBust())
  app.use(garnerIdentity(garner))
  // Hono's error path: a 500 without the error's message.
  app.onError((_error, c) => c.text('Internal Server Error', 500))
  for (const route of routes) {
    app.on(route.method, route.path, async (c) => {
      const answer = route.answer({
        identity: c.var.garner,
        params: c.req.param(),
        header: (name) => c.req.header(name),
      })
      if (isCachedAnswer(answer)) return answer.identity.cacheOr304(answer.loader, answer.options)
      return c.json(answer.json as object, answer.status as ContentfulStatusCode, answer.headers)
    })
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
