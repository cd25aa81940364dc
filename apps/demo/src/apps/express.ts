// The demo API as an Express 5 app, with @garner/express. Reads answer through `req.garner`'s
// cacheOr304: from the cache, and 304 when the client's copy is current. Writes go through the
// Garner-extended Prisma client, which invalidates what they touched: no route invalidates.
import type { Server } from 'node:http'
import { cacheBust, garnerIdentity } from '@garner/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Caller } from '../caller.js'
import { writeError } from '../data.js'
import { unavailableAnswer } from '../database-errors.js'
import { changeFaults, describeFaults } from '../faults.js'
import type { KvAnswer } from '../kv/kv-service.js'
import { nearCacheState, statsSnapshot } from '../stats.js'
import { idParam, newPost, newUser, postChange, userChange } from '../validation.js'
import { type Address, type AppDeps, MAX_BODY_BYTES } from './app.js'

declare global {
  namespace Express {
    interface Request {
      /** The caller, set by the demo's `caller` middleware on the routes that ask for it. */
      caller?: Caller
    }
  }
}

export function expressApp({
  garner,
  data,
  findCaller,
  kv,
  stats,
  store,
  feed,
  faults,
}: AppDeps): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // Express would add weak ETags of its own to every response; Garner's are the ones that count.
  app.set('etag', false)
  // Every response that sets no Cache-Control of its own gets Garner's cache-bust headers;
  // every request gets an identity on req.garner, keyed by its method, path and query.
  app.use(cacheBust(), garnerIdentity(garner))

  // On the routes that take a body: the body as text whatever its Content-Type (the routes
  // parse and validate it), 413 past the limit.
  const body = express.text({ type: () => true, limit: MAX_BODY_BYTES })
  // `req.caller`, on the routes whose answer depends on who asks.
  async function caller<Params>(
    req: Request<Params>,
    _res: Response,
    next: NextFunction,
  ): Promise<void> {
    req.caller = await findCaller(req.get('Authorization'))
    next()
  }

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', framework: 'express', store, nearCache: nearCacheState(garner) })
  })
  app.get('/stats', (_req, res) => {
    res.json(statsSnapshot(stats))
  })

  // Cached reads. The list and each user's posts are the same for every caller (public); a
  // user's email is shown to admins only, so /users/:id varies by role; /me varies by user.
  // Each binds to the rows it shows, so a write to any of them invalidates it.
  app.get('/users', async (req) => {
    await req.garner
      .options({ public: true })
      .bind('User')
      .cacheOr304(() => data.users())
  })

  // The latest posts, for everyone, with the freshness policies: answered at once while a
  // refresh runs, and from the cache while the database is down (GET /admin/database).
  app.get('/feed', async (req) => {
    await req.garner
      .options({ ...feed, public: true })
      .bind('Post')
      .cacheOr304(() => data.feed())
  })

  app.get('/users/:id', caller, async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    const role = req.caller?.role ?? 'anonymous'
    await req.garner
      .varyBy(role)
      .bind(['User', id])
      .cacheOr304(() => data.user(id, role === 'admin'))
  })

  app.get('/me', caller, async (req, res) => {
    const me = req.caller
    if (me === undefined) {
      res.status(401).json({ error: 'Send Authorization: Bearer <user id>' })
      return
    }
    await req.garner
      .varyBy(me.id)
      .bind(['User', me.id])
      .cacheOr304(() => data.user(me.id, true))
  })

  app.get('/users/:id/posts', async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    await req.garner
      .options({ public: true })
      .bind([['User', id], ['Post']])
      .cacheOr304(() => data.postsOf(id))
  })

  app.get('/posts/:id', async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    // A dependent binding: the author is only known from the post (a cached lookup).
    const authorId = await data.authorOf(id)
    if (authorId === undefined) return notFound(res)
    await req.garner
      .options({ public: true })
      .bind([
        ['Post', id],
        ['User', authorId],
      ])
      .cacheOr304(() => data.post(id))
  })

  // Writes. An unknown id or a taken email is answered by the error handler below.
  app.post('/users', body, caller, async (req, res) => {
    const input = newUser(text(req))
    if (!input.ok) return badRequest(res, input.error)
    res.status(201).json(await data.createUser(input.value, req.caller?.role === 'admin'))
  })

  app.patch('/users/:id', body, caller, async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    const input = userChange(text(req))
    if (!input.ok) return badRequest(res, input.error)
    res.json(await data.updateUser(id, input.value, req.caller?.role === 'admin'))
  })

  app.delete('/users/:id', async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    await data.deleteUser(id)
    res.status(204).end()
  })

  app.post('/users/:id/posts', body, async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    const input = newPost(text(req))
    if (!input.ok) return badRequest(res, input.error)
    res.status(201).json(await data.createPost(id, input.value))
  })

  app.patch('/posts/:id', body, async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    const input = postChange(text(req))
    if (!input.ok) return badRequest(res, input.error)
    res.json(await data.updatePost(id, input.value))
  })

  app.delete('/posts/:id', async (req, res) => {
    const id = idParam(req.params.id)
    if (id === undefined) return notFound(res)
    await data.deletePost(id)
    res.status(204).end()
  })

  // The fault switch (DEMO_FAULTS=1 only): take the database down or slow it down.
  if (faults !== undefined) {
    app.get('/admin/database', (_req, res) => {
      res.json(describeFaults(faults))
    })
    app.put('/admin/database', body, (req, res) => {
      const changed = changeFaults(faults, text(req))
      if (!changed.ok) res.status(400).json({ error: changed.error })
      else res.json(describeFaults(faults))
    })
  }

  // The key-value layer (after Couchbase's REST caching example): a store of its own, not
  // cached by Garner.
  app.get('/kv/:key', async (req, res) => {
    send(res, await kv.get(req.params.key))
  })
  app.post('/kv/:key', body, async (req, res) => {
    send(res, await kv.insert(req.params.key, text(req), ttl(req)))
  })
  app.put('/kv/:key', body, async (req, res) => {
    send(res, await kv.upsert(req.params.key, text(req), ttl(req)))
  })
  app.delete('/kv/:key', async (req, res) => {
    send(res, await kv.remove(req.params.key))
  })

  app.use((_req: Request, res: Response) => notFound(res))
  // Errors answer JSON, never a stack trace: 404/409 for a write's unknown id or taken email,
  // 4xx from Express itself (a body too large, a malformed parameter), 500 for anything else.
  app.use((error: { status?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    const unavailable = unavailableAnswer(error)
    if (unavailable !== undefined) {
      res.status(unavailable.status).set(unavailable.headers).json({ error: unavailable.error })
      return
    }
    const known = writeError(error)
    if (known !== undefined) {
      res.status(known.status).json({ error: known.error })
      return
    }
    const status =
      typeof error.status === 'number' && error.status >= 400 && error.status < 500
        ? error.status
        : 500
    if (status === 500) console.error(error)
    res.status(status).json({ error: status === 500 ? 'Internal error' : 'Bad request' })
  })
  return app
}

/** What cacheOr304 answers too when a loader finds nothing (@garner/express's default). */
function notFound(res: Response): void {
  res.status(404).json({ error: 'Not found' })
}

function badRequest(res: Response, error: string): void {
  res.status(400).json({ error })
}

/** The body read by `express.text`; none reads as empty. */
function text(req: Request): string {
  return typeof req.body === 'string' ? req.body : ''
}

/** `?ttl=`; a repeated one is ignored (Express reads it as a list). */
function ttl(req: Request): string | undefined {
  return typeof req.query.ttl === 'string' ? req.query.ttl : undefined
}

/** Sends a /kv answer: JSON, or a stored value as the JSON text it was received as. */
function send(res: Response, { status, json, text }: KvAnswer): void {
  if (text === undefined) res.status(status).json(json)
  else res.status(status).type('application/json').send(text)
}

/** Serves the Express app on Node's HTTP server. */
export function serveExpress(deps: AppDeps, { port, host }: Address): Server {
  return expressApp(deps).listen(port, host)
}
