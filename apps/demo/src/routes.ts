// Every route of the demo API, once. Reads go through cacheOr304 and are bound to what they show;
// writes go through Prisma, whose Garner extension invalidates what they touched: no route calls
// invalidate() itself.
import type { Garner } from '@garner/core'
import type { DemoPrisma } from './database.js'
import { NOT_FOUND, type Reply, type Route, type RouteInput } from './http/route.js'
import type { KvService } from './kv/kv-service.js'
import type { CacheStats } from './stats.js'
import { type Checked, idParam, jsonObject, postInput, type Role, userInput } from './validation.js'

export interface RouteDeps {
  readonly garner: Garner
  readonly prisma: DemoPrisma
  readonly kv: KvService
  readonly stats: CacheStats
  readonly framework: string
  readonly store: 'memory' | 'redis'
}

/** Who is calling, from `Authorization: Bearer <userId>` (a toy scheme, for the demo only). */
interface Caller {
  readonly id: number
  readonly role: Role
}

const PUBLIC_USER = { id: true, name: true, role: true } as const
const FULL_USER = { ...PUBLIC_USER, email: true } as const
const POST = { id: true, title: true, body: true, authorId: true } as const

export function demoRoutes(deps: RouteDeps): Route[] {
  const { garner, prisma, kv, stats } = deps

  /** The caller's id and role: cached, and bound to the caller's row so a role change shows at once. */
  async function callerOf(authorization: string | undefined): Promise<Caller | undefined> {
    const match = /^Bearer\s+([1-9]\d{0,8})$/i.exec(authorization ?? '')
    if (match === null) return undefined
    const id = Number(match[1])
    const caller = await garner.fetch(
      ['caller', id],
      async () =>
        (await prisma.user.findUnique({ where: { id }, select: { id: true, role: true } })) ?? null,
      { bind: ['User', id] },
    )
    return caller === null ? undefined : (caller as Caller)
  }

  /** Runs a write, answering 404/409 for Prisma's "not found" and "unique" errors. */
  async function write<R>(input: RouteInput<R>, run: () => Promise<Reply>): Promise<R> {
    try {
      return input.reply(await run())
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code === 'P2025') return input.reply(NOT_FOUND)
      if (code === 'P2002')
        return input.reply({ status: 409, json: { error: 'email is already taken' } })
      throw error
    }
  }

  async function body<T>(
    input: RouteInput<unknown>,
    parse: (body: Record<string, unknown>) => Checked<T>,
  ): Promise<Checked<T>> {
    const object = jsonObject(await input.text())
    return object.ok ? parse(object.value) : object
  }

  const invalid = (error: string): Reply => ({ status: 400, json: { error } })

  return [
    {
      method: 'GET',
      path: '/health',
      handle: async (input) =>
        input.reply({
          status: 200,
          json: { status: 'ok', framework: deps.framework, store: deps.store },
        }),
    },
    {
      method: 'GET',
      path: '/stats',
      handle: async (input) => input.reply({ status: 200, json: { ...stats } }),
    },

    // The key-value caching layer (after Couchbase's REST caching example).
    {
      method: 'GET',
      path: '/kv/:key',
      handle: async (input) => input.reply(await kv.get(input.params.key!)),
    },
    {
      method: 'POST',
      path: '/kv/:key',
      handle: async (input) =>
        input.reply(await kv.insert(input.params.key!, await input.text(), input.query('ttl'))),
    },
    {
      method: 'PUT',
      path: '/kv/:key',
      handle: async (input) =>
        input.reply(await kv.upsert(input.params.key!, await input.text(), input.query('ttl'))),
    },
    {
      method: 'DELETE',
      path: '/kv/:key',
      handle: async (input) => input.reply(await kv.remove(input.params.key!)),
    },

    // Users: the list and each user's posts are the same for every caller (public); a user's
    // email is shown to admins only, so /users/:id varies by role; /me varies by user.
    {
      method: 'GET',
      path: '/users',
      handle: (input) =>
        input.identity
          .options({ public: true })
          .bind('User')
          .cacheOr304(() => prisma.user.findMany({ select: PUBLIC_USER, orderBy: { id: 'asc' } })),
    },
    {
      method: 'GET',
      path: '/users/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        const caller = await callerOf(input.header('authorization'))
        const role = caller?.role ?? 'anonymous'
        return input.identity
          .varyBy(role)
          .bind(['User', id])
          .cacheOr304(
            async () =>
              (await prisma.user.findUnique({
                where: { id },
                select: role === 'admin' ? FULL_USER : PUBLIC_USER,
              })) ?? undefined,
          )
      },
    },
    {
      method: 'GET',
      path: '/me',
      handle: async (input) => {
        const caller = await callerOf(input.header('authorization'))
        if (caller === undefined) {
          return input.reply({
            status: 401,
            json: { error: 'Send Authorization: Bearer <user id>' },
          })
        }
        return input.identity
          .varyBy(caller.id)
          .bind(['User', caller.id])
          .cacheOr304(
            async () =>
              (await prisma.user.findUnique({ where: { id: caller.id }, select: FULL_USER })) ??
              undefined,
          )
      },
    },
    {
      method: 'GET',
      path: '/users/:id/posts',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        return input.identity
          .options({ public: true })
          .bind([['User', id], ['Post']])
          .cacheOr304(async () => {
            const user = await prisma.user.findUnique({
              where: { id },
              select: { posts: { select: POST, orderBy: { id: 'asc' } } },
            })
            return user?.posts
          })
      },
    },
    {
      method: 'GET',
      path: '/posts/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        // Bound to the post and its author; the author is only known from the post, so that
        // link is cached too (bound to the post), and a hit needs no query at all.
        const authorId = await garner.fetch(
          ['post-author', id],
          async () =>
            (await prisma.post.findUnique({ where: { id }, select: { authorId: true } }))
              ?.authorId ?? null,
          { bind: ['Post', id] },
        )
        if (authorId === null) return input.reply(NOT_FOUND)
        return input.identity
          .options({ public: true })
          .bind([
            ['Post', id],
            ['User', authorId],
          ])
          .cacheOr304(
            async () =>
              (await prisma.post.findUnique({ where: { id }, select: POST })) ?? undefined,
          )
      },
    },

    // Writes: through Prisma, which invalidates; responses carry the cache-bust headers.
    {
      method: 'POST',
      path: '/users',
      handle: async (input) => {
        const checked = await body(input, (fields) => userInput(fields, false))
        if (!checked.ok) return input.reply(invalid(checked.error))
        const caller = await callerOf(input.header('authorization'))
        const { name, email, role } = checked.value
        return write(input, async () => {
          const user = await prisma.user.create({
            data: { name: name!, email: email!, role: role ?? 'member' },
            select: caller?.role === 'admin' ? FULL_USER : PUBLIC_USER,
          })
          return { status: 201, json: user }
        })
      },
    },
    {
      method: 'PATCH',
      path: '/users/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        const checked = await body(input, (fields) => userInput(fields, true))
        if (!checked.ok) return input.reply(invalid(checked.error))
        const caller = await callerOf(input.header('authorization'))
        return write(input, async () => ({
          status: 200,
          json: await prisma.user.update({
            where: { id },
            data: checked.value,
            select: caller?.role === 'admin' ? FULL_USER : PUBLIC_USER,
          }),
        }))
      },
    },
    {
      method: 'DELETE',
      path: '/users/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        return write(input, async () => {
          await prisma.user.delete({ where: { id } })
          return { status: 204 }
        })
      },
    },
    {
      method: 'POST',
      path: '/users/:id/posts',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        const checked = await body(input, (fields) => postInput(fields, false))
        if (!checked.ok) return input.reply(invalid(checked.error))
        return write(input, async () => {
          // `connect` makes an unknown author Prisma's "not found" (404).
          const post = await prisma.post.create({
            data: {
              title: checked.value.title!,
              body: checked.value.body!,
              author: { connect: { id } },
            },
            select: POST,
          })
          return { status: 201, json: post }
        })
      },
    },
    {
      method: 'PATCH',
      path: '/posts/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        const checked = await body(input, (fields) => postInput(fields, true))
        if (!checked.ok) return input.reply(invalid(checked.error))
        return write(input, async () => ({
          status: 200,
          json: await prisma.post.update({ where: { id }, data: checked.value, select: POST }),
        }))
      },
    },
    {
      method: 'DELETE',
      path: '/posts/:id',
      handle: async (input) => {
        const id = idParam(input.params.id)
        if (id === undefined) return input.reply(NOT_FOUND)
        return write(input, async () => {
          await prisma.post.delete({ where: { id } })
          return { status: 204 }
        })
      },
    },
  ]
}
