// What the Fastify plugin adds beyond the shared HTTP suite: Fastify's scoping, its not-found
// handler, key context from the request, and a clear error when registered without a Garner.
import { createGarner, DEFAULT_KEY_STRATEGIES, type KeyStrategy } from '@garner/core'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { cacheBust, garnerIdentity } from './index.js'

const apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

function newApp(): FastifyInstance {
  const app = Fastify()
  apps.push(app)
  return app
}

describe('@garner/fastify plugins', () => {
  it('reach routes registered in encapsulated child plugins (fastify-plugin skips encapsulation)', async () => {
    const app = newApp()
    await app.register(cacheBust)
    await app.register(garnerIdentity, { garner: createGarner() })
    let runs = 0
    await app.register(
      async (child) => {
        child.get('/thing', (request) => request.garner.cacheOr304(() => ({ runs: ++runs })))
        child.get('/plain', () => ({ plain: true }))
      },
      { prefix: '/v1' },
    )
    const first = await app.inject({ url: '/v1/thing' })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ runs: 1 })
    const second = await app.inject({
      url: '/v1/thing',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(second.statusCode).toBe(304)
    expect(second.body).toBe('')
    expect(runs).toBe(1)
    const plain = await app.inject({ url: '/v1/plain' })
    expect(plain.headers['cache-control']).toBe('private, max-age=0, must-revalidate')
    expect(plain.headers.expires).toBe('Fri, 01 Jan 1990 00:00:00 GMT')
  })

  it("answers a loader's undefined through Fastify's not-found handler, or the notFound option", async () => {
    const app = newApp()
    await app.register(garnerIdentity, { garner: createGarner() })
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ custom: 'missing' }))
    app.get('/missing', (request) => request.garner.cacheOr304(() => undefined))
    const missing = await app.inject({ url: '/missing' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ custom: 'missing' })

    const other = newApp()
    await other.register(garnerIdentity, {
      garner: createGarner(),
      notFound: (_request, reply) => reply.code(410).send({ gone: true }),
    })
    other.get('/missing', (request) => request.garner.cacheOr304(() => undefined))
    const gone = await other.inject({ url: '/missing' })
    expect(gone.statusCode).toBe(410)
    expect(gone.json()).toEqual({ gone: true })
  })

  it('hands the context option to key strategies, once per request', async () => {
    const byRole: KeyStrategy = {
      name: 'role',
      identifiesCaller: true,
      apply: (key, context) => ({ ...key, role: String(context.role) }),
    }
    const app = newApp()
    let contexts = 0
    await app.register(garnerIdentity, {
      garner: createGarner({ keyStrategies: [...DEFAULT_KEY_STRATEGIES, byRole] }),
      context: (request) => {
        contexts++
        return { role: request.headers['x-role'] ?? 'anonymous' }
      },
    })
    let runs = 0
    app.get('/report', (request) =>
      request.garner.cacheOr304(() => ({ role: request.headers['x-role'], run: ++runs })),
    )
    const admin = async (): Promise<unknown> =>
      (await app.inject({ url: '/report', headers: { 'x-role': 'admin' } })).json()
    expect(await admin()).toEqual({ role: 'admin', run: 1 })
    expect(await admin()).toEqual({ role: 'admin', run: 1 })
    const guest = await app.inject({ url: '/report', headers: { 'x-role': 'guest' } })
    expect(guest.json()).toEqual({ role: 'guest', run: 2 })
    expect(contexts).toBe(3)
  })

  it('refuses to register without a Garner instance, saying what to pass', async () => {
    const app = newApp()
    const register = app.register(garnerIdentity, {} as never)
    await expect(register).rejects.toThrow(TypeError)
    await expect(newApp().register(garnerIdentity, {} as never)).rejects.toThrow(/garner:/)
  })
})
