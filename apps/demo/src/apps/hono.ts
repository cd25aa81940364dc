// The demo API as a Hono app, with @garner/hono. Reads answer through `c.var.garner`'s
// cacheOr304: from the cache, and 304 when the client's copy is current. Writes go through the
// Garner-extended Prisma client, which invalidates what they touched: no route invalidates.
import type { Server } from 'node:http'
import { cacheBust, type GarnerVariables, garnerIdentity } from '@garner/hono'
import { serve } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import type { Caller } from '../caller.js'
import { writeError } from '../data.js'
import { unavailableAnswer } from '../database-errors.js'
import { changeFaults, describeFaults } from '../faults.js'
import type { KvAnswer } from '../kv/kv-service.js'
import { nearCacheState, statsSnapshot } from '../stats.js'
import { idParam, newPost, newUser, postChange, userChange } from '../validation.js'
import { type Address, type AppDeps, MAX_BODY_BYTES } from './app.js'

/** What `c.var` holds: Garner's request identity, and the caller on the routes that ask for it. */
type DemoEnv = { Variables: GarnerVariables & { caller: Caller | undefined } }

export function honoApp({
  garner,
  data,
  findCaller,
  kv,
  stats,
  store,
  feed,
  faults,
}: AppDeps): Hono<DemoEnv> {
  const app = new Hono<DemoEnv>()
  // Every response that sets no Cache-Control of its own gets Garner's cache-bust headers;
  // every request gets an identity on c.var.garner, keyed by its method, path and query.
  app.use(cacheBust(), garnerIdentity(garner))

  // Only the routes that take a body read it: mounted everywhere, bodyLimit would make
  // @hono/node-server build a full Request for every request. The rest of an oversized body is
  // never read, so the connection cannot carry another request: close it with the 413.
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'The body is too large' }, 413, { Connection: 'close' }),
  })
  // `c.var.caller`, on the routes whose answer depends on who asks.
  const caller = createMiddleware<DemoEnv>(async (c, next) => {
    c.set('caller', await findCaller(c.req.header('Authorization')))
    await next()
  })

  app.get('/health', (c) =>
    c.json({ status: 'ok', framework: 'hono', store, nearCache: nearCacheState(garner) }),
  )
  app.get('/stats', (c) => c.json(statsSnapshot(stats)))

  // Cached reads. The list and each user's posts are the same for every caller (public); a
  // user's email is shown to admins only, so /users/:id varies by role; /me varies by user.
  // Each binds to the rows it shows, so a write to any of them invalidates it.
  app.get('/users', (c) =>
    c.var.garner
      .options({ public: true })
      .bind('User')
      .cacheOr304(() => data.users()),
  )

  // The latest posts, for everyone, with the freshness policies: answered at once while a
  // refresh runs, and from the cache while the database is down (GET /admin/database).
  app.get('/feed', (c) =>
    c.var.garner
      .options({ ...feed, public: true })
      .bind('Post')
      .cacheOr304(() => data.feed()),
  )

  app.get('/users/:id', caller, (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    const role = c.var.caller?.role ?? 'anonymous'
    return c.var.garner
      .varyBy(role)
      .bind(['User', id])
      .cacheOr304(() => data.user(id, role === 'admin'))
  })

  app.get('/me', caller, (c) => {
    const me = c.var.caller
    if (me === undefined) return c.json({ error: 'Send Authorization: Bearer <user id>' }, 401)
    return c.var.garner
      .varyBy(me.id)
      .bind(['User', me.id])
      .cacheOr304(() => data.user(me.id, true))
  })

  app.get('/users/:id/posts', (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    return c.var.garner
      .options({ public: true })
      .bind([['User', id], ['Post']])
      .cacheOr304(() => data.postsOf(id))
  })

  app.get('/posts/:id', async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    // A dependent binding: the author is only known from the post (a cached lookup).
    const authorId = await data.authorOf(id)
    if (authorId === undefined) return c.notFound()
    return c.var.garner
      .options({ public: true })
      .bind([
        ['Post', id],
        ['User', authorId],
      ])
      .cacheOr304(() => data.post(id))
  })

  // Writes. An unknown id or a taken email is answered by onError below.
  app.post('/users', limit, caller, async (c) => {
    const input = newUser(await c.req.text())
    if (!input.ok) return c.json({ error: input.error }, 400)
    return c.json(await data.createUser(input.value, c.var.caller?.role === 'admin'), 201)
  })

  app.patch('/users/:id', limit, caller, async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    const input = userChange(await c.req.text())
    if (!input.ok) return c.json({ error: input.error }, 400)
    return c.json(await data.updateUser(id, input.value, c.var.caller?.role === 'admin'))
  })

  app.delete('/users/:id', async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    await data.deleteUser(id)
    return c.body(null, 204)
  })

  app.post('/users/:id/posts', limit, async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    const input = newPost(await c.req.text())
    if (!input.ok) return c.json({ error: input.error }, 400)
    return c.json(await data.createPost(id, input.value), 201)
  })

  app.patch('/posts/:id', limit, async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    const input = postChange(await c.req.text())
    if (!input.ok) return c.json({ error: input.error }, 400)
    return c.json(await data.updatePost(id, input.value))
  })

  app.delete('/posts/:id', async (c) => {
    const id = idParam(c.req.param('id'))
    if (id === undefined) return c.notFound()
    await data.deletePost(id)
    return c.body(null, 204)
  })

  // The fault switch (DEMO_FAULTS=1 only): take the database down or slow it down.
  if (faults !== undefined) {
    app.get('/admin/database', (c) => c.json(describeFaults(faults)))
    app.put('/admin/database', limit, async (c) => {
      const changed = changeFaults(faults, await c.req.text())
      if (!changed.ok) return c.json({ error: changed.error }, 400)
      return c.json(describeFaults(faults))
    })
  }

  // The key-value layer (after Couchbase's REST caching example): a store of its own, not
  // cached by Garner.
  app.get('/kv/:key', async (c) => send(c, await kv.get(c.req.param('key'))))
  app.post('/kv/:key', limit, async (c) =>
    send(c, await kv.insert(c.req.param('key'), await c.req.text(), c.req.query('ttl'))),
  )
  app.put('/kv/:key', limit, async (c) =>
    send(c, await kv.upsert(c.req.param('key'), await c.req.text(), c.req.query('ttl'))),
  )
  app.delete('/kv/:key', async (c) => send(c, await kv.remove(c.req.param('key'))))

  // Also what cacheOr304 answers when a loader finds nothing.
  app.notFound((c) => c.json({ error: 'Not found' }, 404))
  // Errors answer JSON, never a stack trace.
  app.onError((error, c) => {
    const unavailable = unavailableAnswer(error)
    if (unavailable !== undefined) {
      return c.json({ error: unavailable.error }, unavailable.status, unavailable.headers)
    }
    const known = writeError(error)
    if (known !== undefined) return c.json({ error: known.error }, known.status)
    if (error instanceof HTTPException && error.status < 500)
      return c.json({ error: 'Bad request' }, error.status)
    console.error(error)
    return c.json({ error: 'Internal error' }, 500)
  })
  return app
}

/** Sends a /kv answer: JSON, or a stored value as the JSON text it was received as. */
function send(c: Context, { status, json, text }: KvAnswer): Response {
  return text === undefined
    ? c.json(json, status)
    : c.body(text, status, { 'Content-Type': 'application/json; charset=utf-8' })
}

/** Serves the Hono app on Node's HTTP server, through @hono/node-server. */
export function serveHono(deps: AppDeps, { port, host }: Address): Server {
  return serve({ fetch: honoApp(deps).fetch, port, hostname: host }) as Server
}
