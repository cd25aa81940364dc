// Mounts the HTTP conformance suite's routes on an Express app (5 or 4) listening on a free port.
import type { AddressInfo } from 'node:net'
import { isCachedAnswer, type MountApp } from '@garner/testing'
import type express from 'express'
import type { NextFunction, Request, Response } from 'express'
import { cacheBust, garnerIdentity } from '../index.js'

/** The suite's mount function for an Express version (`express` or `express4`). */
export function mountOn(createApp: typeof express): MountApp {
  return async (garner, routes) => {
    const app = createApp()
    app.use(cacheBust())
    app.use(garnerIdentity(garner))
    for (const route of routes) {
      const register = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app)
      register(route.path, (req: Request, res: Response, next: NextFunction) => {
        const answer = route.answer({
          identity: req.garner,
          params: req.params as Record<string, string>,
          header: (name) => req.get(name),
        })
        if (!isCachedAnswer(answer)) {
          res
            .status(answer.status)
            .set(answer.headers ?? {})
            .json(answer.json)
          return
        }
        // Express 4 does not catch a rejected handler: hand the error to `next` (as Express 5 does).
        answer.identity.cacheOr304(answer.loader, answer.options).catch(next)
      })
    }
    // Express's error path: a 500 without the error's message.
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).type('text').send('Internal Server Error')
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    }
  }
}
