// A child process serving a bare app of one framework: one route answering a constant JSON body,
// written as a new user writes it (framework defaults, `c.json` / `res.json`). The demo section
// compares the demo against it. Usage (forked by demo.ts): bare-server.ts <hono|express> <JSON>
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import type { ServerReady } from './http-routes.js'

const [framework, text] = process.argv.slice(2)
if ((framework !== 'hono' && framework !== 'express') || text === undefined) {
  throw new Error('usage: bare-server.ts <hono|express> <JSON body>')
}
const body: unknown = JSON.parse(text)

const server: Server = await new Promise((resolve) => {
  if (framework === 'hono') {
    const app = new Hono()
    app.get('/', (c) => c.json(body))
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started as Server),
    )
  } else {
    const app = express()
    app.get('/', (_req, res) => {
      res.json(body)
    })
    const started = app.listen(0, '127.0.0.1', () => resolve(started))
  }
})

const address = server.address()
if (typeof address !== 'object' || address === null) throw new Error('the server has no port')
const ready: ServerReady = { port: address.port, bodyBytes: Buffer.byteLength(text) }
process.send?.(ready)

const shutdown = (): void => {
  server.closeAllConnections()
  server.close()
  process.exit(0)
}
process.once('SIGTERM', shutdown)
process.once('disconnect', shutdown)
