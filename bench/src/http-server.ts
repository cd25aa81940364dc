// A child process serving the HTTP section's routes on loopback, one framework per process, so
// that the load generator (autocannon, in the parent) and the server each have a core.
// Usage (forked by http.ts, postgres.ts, near-cache.ts):
//   http-server.ts <hono|express> <SQLite file | postgresql:// URL> [<Redis URL>]
// With a Redis URL, the cache is Redis with the near cache on (near-cache.ts).
import type { Server } from 'node:http'
import { createGarner } from '@garner/core'
import { serve } from '@hono/node-server'
import { createKeyv } from '@keyv/redis'
import { openDatabase } from 'garner-demo/database'
import { expressApp } from './http-express.js'
import { honoApp } from './http-hono.js'
import type { ServerReady } from './http-routes.js'

const [framework, file, redisUrl] = process.argv.slice(2)
if ((framework !== 'hono' && framework !== 'express') || file === undefined) {
  throw new Error(
    'usage: http-server.ts <hono|express> <SQLite file | postgresql:// URL> [<Redis URL>]',
  )
}

const garner =
  redisUrl === undefined
    ? createGarner()
    : createGarner({ store: createKeyv(redisUrl), nearCache: true })
const database = await openDatabase(
  file.startsWith('postgresql://') ? { kind: 'postgresql', url: file } : { kind: 'sqlite', file },
  garner,
)
// The demo's users with their posts: the same data on every route.
const load = (): Promise<unknown> =>
  database.prisma.user.findMany({
    include: { posts: { orderBy: { id: 'asc' } } },
    orderBy: { id: 'asc' },
  })
const constant = JSON.stringify(await load())

const server: Server = await new Promise((resolve) => {
  if (framework === 'hono') {
    const started = serve(
      { fetch: honoApp(garner, load, constant).fetch, port: 0, hostname: '127.0.0.1' },
      () => resolve(started as Server),
    )
  } else {
    const started = expressApp(garner, load, constant).listen(0, '127.0.0.1', () =>
      resolve(started),
    )
  }
})

const address = server.address()
if (typeof address !== 'object' || address === null) throw new Error('the server has no port')
const ready: ServerReady = { port: address.port, bodyBytes: Buffer.byteLength(constant) }
process.send?.(ready)

const shutdown = async (): Promise<void> => {
  server.closeAllConnections()
  server.close()
  await database.close()
  process.exit(0)
}
process.once('SIGTERM', () => void shutdown())
// The parent went away (even without a signal): do not linger.
process.once('disconnect', () => void shutdown())
