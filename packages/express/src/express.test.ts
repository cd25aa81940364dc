// The shared HTTP conformance suite, on Express 5 over real HTTP, on both stores.
import type { AddressInfo } from 'node:net'
import { describeHttpConformance, isCachedAnswer, type MountApp } from '@garner/core/testing'
import express from 'express'
import { cacheBust, garnerIdentity } from './index.js'

const mountExpress: MountApp = async (garner, routes) => {
  const app = express()
  app.use(cacheBust())
  app.use(garnerIdentity(garner))
  for (const route of routes) {
    const register = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app)
    register(route.path, async (req, res) => {
      const answer = route.answer({
        identity: req.garner,
        params: req.params as Record<string, string>,
        header: (name) => req.get(name),
      })
      if (isCachedAnswer(answer)) {
        await answer.identity.cacheOr304(answer.loader, answer.options)
      } else {
        res
          .status(answer.status)
          .set(answer.headers ?? {})
          .json(answer.json)
      }
    })
  }
  // Express's error path: a 500 without the error's message.
  app.use(
    (
      _error: unknown,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(500).type('text').send('Internal Server Error')
    },
  )
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describeHttpConformance('Express 5', mountExpress)
