// The demo API as a Fastify 5 app, with @garner/fastify. Reads answer through `request.garner`'s
// cacheOr304: from the cache, and 304 when the client's copy is current. Writes go through the
// Garner-extended Prisma client, which invalidates what they touched: no route invalidates.
import type { Server } from 'node:http'
import { cacheBust, garnerIdentity } from '@garner/fastify'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type preHandlerAsyncHookHandler,
} from 'fastify'
import type { Caller } from '../caller.js'
import { writeError } from '../data.js'
import { changeFaults, describeFaults } from '../faults.js'
import type { KvAnswer } from '../kv/kv-service.js'
import { nearCacheState, statsSnapshot } from '../stats.js'
import { idParam, newPost, newUser, postChange, userChange } from '../validation.js'
import { type Address, type AppDeps, MAX_BODY_BYTES } from './app.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the demo's `caller` hook on the routes that ask for it. */
    caller?: Caller
  }
}

type WithId = { Params: { id: string } }
type WithKey = { Params: { key: string }; Querystring: { ttl?: string | string[] } }

export async function fastifyApp({
  garner,
  data,
  findCaller,
  kv,
  stats,
  store,
  feed,
  faults,
}: AppDeps): Promise<FastifyInstance> {
  // Keys of the key-value layer are up to 250 characters; Fastify's router refuses longer than
  // 100 by default (414), before the route could answer its own 400.
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, routerOptions: { maxParamLength: 1024 } })
  // Every response that sets no Cache-Control of its own gets Garner's cache-bust headers;
  // every request gets an identity on request.garner, keyed by its method, path and query.
  await app.register(cacheBust)
  await app.register(garnerIdentity, { garner, notFound: notFoundReply })

  // Bodies as text whatever their Content-Type (the routes parse and validate them); Fastify
  // answers 413 past bodyLimit.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.decorateRequest('caller')
  // `request.caller`, on the routes whose answer depends on who asks.
  const caller: preHandlerAsyncHookHandler = async (request) => {
    request.caller = await findCaller(request.headers.authorization)
  }

  app.get('/health', () => ({
    status: 'ok',
    framework: 'fastify',
    store,
    nearCache: nearCacheState(garner),
  }))
  app.get('/stats', () => statsSnapshot(stats))

  // Cached reads. The list and each user's posts are the same for every caller (public); a
  // user's email is shown to admins only, so /users/:id varies by role; /me varies by user.
  // Each binds to the rows it shows, so a write to any of them invalidates it.
  // The latest posts, for everyone, with the freshness policies: answered at once while a
  // refresh runs, and from the cache while the database is down (GET /admin/database).
  app.get('/feed', (request) =>
    request.garner
      .options({ ...feed, public: true })
      .bind('Post')
      .cacheOr304(() => data.feed()),
  )

  app.get('/users', (request) =>
    request.garner
      .options({ public: true })
      .bind('User')
      .cacheOr304(() => data.users()),
  )

  app.get<WithId>('/users/:id', { preHandler: caller }, (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    const role = request.caller?.role ?? 'anonymous'
    return request.garner
      .varyBy(role)
      .bind(['User', id])
      .cacheOr304(() => data.user(id, role === 'admin'))
  })

  app.get('/me', { preHandler: caller }, (request, reply) => {
    const me = request.caller
    if (me === undefined) {
      return reply.code(401).send({ error: 'Send Authorization: Bearer <user id>' })
    }
    return request.garner
      .varyBy(me.id)
      .bind(['User', me.id])
      .cacheOr304(() => data.user(me.id, true))
  })

  app.get<WithId>('/users/:id/posts', (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    return request.garner
      .options({ public: true })
      .bind([['User', id], ['Post']])
      .cacheOr304(() => data.postsOf(id))
  })

  app.get<WithId>('/posts/:id', async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    // A dependent binding: the author is only known from the post (a cached lookup).
    const authorId = await data.authorOf(id)
    if (authorId === undefined) return notFoundReply(request, reply)
    return request.garner
      .options({ public: true })
      .bind([
        ['Post', id],
        ['User', authorId],
      ])
      .cacheOr304(() => data.post(id))
  })

  // Writes. An unknown id or a taken email is answered by the error handler below.
  app.post('/users', { preHandler: caller }, async (request, reply) => {
    const input = newUser(text(request))
    if (!input.ok) return badRequest(reply, input.error)
    return reply
      .code(201)
      .send(await data.createUser(input.value, request.caller?.role === 'admin'))
  })

  app.patch<WithId>('/users/:id', { preHandler: caller }, async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    const input = userChange(text(request))
    if (!input.ok) return badRequest(reply, input.error)
    return data.updateUser(id, input.value, request.caller?.role === 'admin')
  })

  app.delete<WithId>('/users/:id', async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    await data.deleteUser(id)
    return reply.code(204).send()
  })

  app.post<WithId>('/users/:id/posts', async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    const input = newPost(text(request))
    if (!input.ok) return badRequest(reply, input.error)
    return reply.code(201).send(await data.createPost(id, input.value))
  })

  app.patch<WithId>('/posts/:id', async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    const input = postChange(text(request))
    if (!input.ok) return badRequest(reply, input.error)
    return data.updatePost(id, input.value)
  })

  app.delete<WithId>('/posts/:id', async (request, reply) => {
    const id = idParam(request.params.id)
    if (id === undefined) return notFoundReply(request, reply)
    await data.deletePost(id)
    return reply.code(204).send()
  })

  // The fault switch (DEMO_FAULTS=1 only): take the database down or slow it down.
  if (faults !== undefined) {
    app.get('/admin/database', async () => describeFaults(faults))
    app.put('/admin/database', async (request, reply) => {
      const changed = changeFaults(faults, text(request))
      if (!changed.ok) return reply.code(400).send({ error: changed.error })
      return describeFaults(faults)
    })
  }

  // The key-value layer (after Couchbase's REST caching example): a store of its own, not
  // cached by Garner.
  app.get<WithKey>('/kv/:key', async (request, reply) =>
    send(reply, await kv.get(request.params.key)),
  )
  app.post<WithKey>('/kv/:key', async (request, reply) =>
    send(reply, await kv.insert(request.params.key, text(request), ttl(request))),
  )
  app.put<WithKey>('/kv/:key', async (request, reply) =>
    send(reply, await kv.upsert(request.params.key, text(request), ttl(request))),
  )
  app.delete<WithKey>('/kv/:key', async (request, reply) =>
    send(reply, await kv.remove(request.params.key)),
  )

  // Also what cacheOr304 answers when a loader finds nothing.
  app.setNotFoundHandler(notFoundReply)
  // Errors answer JSON, never a stack trace: 404/409 for a write's unknown id or taken email,
  // 4xx from Fastify itself (a body too large, a malformed request), 500 for anything else.
  app.setErrorHandler((error: { statusCode?: unknown }, _request, reply) => {
    const known = writeError(error)
    if (known !== undefined) return reply.code(known.status).send({ error: known.error })
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500
    if (status === 500) console.error(error)
    return reply.code(status).send({
      error:
        status === 500
          ? 'Internal error'
          : status === 413
            ? 'The body is too large'
            : 'Bad request',
    })
  })
  return app
}

/** 404 `{"error":"Not found"}`, as the other apps answer it. */
function notFoundReply(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'Not found' })
}

function badRequest(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(400).send({ error })
}

/** The body read as text by the catch-all parser; none reads as empty. */
function text(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : ''
}

/** `?ttl=`; a repeated one is ignored. */
function ttl(request: FastifyRequest<WithKey>): string | undefined {
  const value = request.query.ttl
  return typeof value === 'string' ? value : undefined
}

/** Sends a /kv answer: JSON, or a stored value as the JSON text it was received as. */
function send(reply: FastifyReply, { status, json, text }: KvAnswer): FastifyReply {
  if (text === undefined) return reply.code(status).send(json)
  return reply.code(status).type('application/json; charset=utf-8').send(text)
}

/** Serves the Fastify app on its Node HTTP server. */
export async function serveFastify(deps: AppDeps, { port, host }: Address): Promise<Server> {
  const app = await fastifyApp(deps)
  await app.listen({ port, host })
  return app.server
}
