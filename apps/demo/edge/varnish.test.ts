// The demo behind a real varnishd: public GETs answered by Varnish, writes through Prisma purging
// exactly the objects bound to what they wrote, never a stale read after a write has returned,
// and private or per-user routes never shared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EdgeDemo, startEdgeDemo } from '../testing/edge.js'
import { send, sendJson } from '../testing/http-client.js'

let edge: EdgeDemo

beforeAll(async () => {
  edge = await startEdgeDemo()
})
afterAll(async () => {
  await edge?.close()
})

const get = (path: string, headers: Record<string, string> = {}) =>
  send(edge.url, path, { headers })

/** Reads `path` through Varnish until it is cached there (the first read is a miss). */
async function warm(path: string): Promise<void> {
  await get(path)
  expect((await get(path)).headers.get('x-cache')).toBe('HIT')
}

describe('the demo behind Varnish', () => {
  it('answers public GETs from Varnish without asking the origin', async () => {
    const first = await get('/users')
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toMatch(/^public, .*s-maxage=\d+/)
    expect(first.headers.get('vary')).toBeNull()
    // Varnish keeps the keys to itself.
    expect(first.headers.get('xkey')).toBeNull()
    const asked = edge.originRequests('GET /users')
    for (let i = 0; i < 20; i++) {
      const again = await get('/users')
      expect(again.headers.get('x-cache')).toBe('HIT')
      expect(again.text).toBe(first.text)
    }
    expect(edge.originRequests('GET /users')).toBe(asked)
    // A client revalidating its copy gets a 304 from Varnish too.
    const revalidated = await get('/users', { 'If-None-Match': first.headers.get('etag')! })
    expect(revalidated.status).toBe(304)
    expect(edge.originRequests('GET /users')).toBe(asked)
  })

  it('tags what the origin sends with the bindings as xkey surrogate keys', async () => {
    const direct = await send(edge.originUrl, '/users/1/posts')
    expect(direct.headers.get('xkey')).toBe('User:1 User:* Post')
    expect((await send(edge.originUrl, '/users')).headers.get('xkey')).toBe('User')
  })

  it('purges exactly the objects bound to what a PATCH wrote, before the PATCH returns', async () => {
    // Post 3 is Grace's (user 2); posts 1 and 2 are Ada's (user 1).
    const paths = ['/users', '/users/1/posts', '/users/2/posts', '/posts/1', '/posts/3']
    for (const path of paths) await warm(path)
    const before = Object.fromEntries(
      paths.map((path) => [path, edge.originRequests(`GET ${path}`)]),
    )

    const patched = await sendJson(edge.url, 'PATCH', '/users/2', { name: 'Grace B. Hopper' })
    expect(patched.status).toBe(200)
    // Bound to User (the list), to User 2 (Grace's posts, Grace's post): purged. Bound to User 1
    // and Post 1 only: still cached.
    const after = async (path: string) => {
      const answer = await get(path)
      return {
        cache: answer.headers.get('x-cache'),
        asked: edge.originRequests(`GET ${path}`) - before[path]!,
      }
    }
    expect(await after('/users')).toEqual({ cache: 'MISS', asked: 1 })
    expect(await after('/users/2/posts')).toEqual({ cache: 'MISS', asked: 1 })
    expect(await after('/posts/3')).toEqual({ cache: 'MISS', asked: 1 })
    expect(await after('/users/1/posts')).toEqual({ cache: 'HIT', asked: 0 })
    expect(await after('/posts/1')).toEqual({ cache: 'HIT', asked: 0 })
    expect((await get('/users')).json).toContainEqual(
      expect.objectContaining({ id: 2, name: 'Grace B. Hopper' }),
    )

    // A post write purges that post and everything bound to the Post model, not the user list.
    for (const path of paths) await warm(path)
    const mark = Object.fromEntries(paths.map((path) => [path, edge.originRequests(`GET ${path}`)]))
    await sendJson(edge.url, 'PATCH', '/posts/1', { title: 'Notes, revised' })
    const cacheOf = async (path: string) => (await get(path)).headers.get('x-cache')
    expect(await cacheOf('/posts/1')).toBe('MISS')
    expect(await cacheOf('/users/1/posts')).toBe('MISS')
    expect(await cacheOf('/users/2/posts')).toBe('MISS')
    expect(await cacheOf('/posts/3')).toBe('HIT')
    expect(await cacheOf('/users')).toBe('HIT')
    expect(edge.originRequests('GET /users')).toBe(mark['/users'])
  })

  it('never returns old data through Varnish once a write has returned (200 write/read rounds)', async () => {
    let stale = 0
    let hits = 0
    const rounds = 200
    for (let round = 0; round < rounds; round++) {
      const name = `Linus ${round}`
      const written = await sendJson(edge.url, 'PATCH', '/users/3', { name })
      expect(written.status).toBe(200)
      // Read twice: the first read refills Varnish, the second is answered by it.
      for (let read = 0; read < 2; read++) {
        const answer = await get('/users')
        if (answer.headers.get('x-cache') === 'HIT') hits++
        const linus = (answer.json as { id: number; name: string }[]).find((user) => user.id === 3)
        if (linus?.name !== name) stale++
      }
    }
    console.log(
      `edge: ${rounds} write/read rounds, ${stale} stale reads, ${hits} reads answered by Varnish`,
    )
    expect(stale).toBe(0)
    // The reads after the refill really came from Varnish: the test would see a stale copy.
    expect(hits).toBe(rounds)
  })

  it('never shares private or per-user routes through Varnish', async () => {
    const me1 = await get('/me', { Authorization: 'Bearer 1' })
    const me2 = await get('/me', { Authorization: 'Bearer 2' })
    expect((me1.json as { id: number }).id).toBe(1)
    expect((me2.json as { id: number }).id).toBe(2)
    expect(me1.headers.get('cache-control')).toMatch(/^private/)
    const asked = edge.originRequests('GET /me')
    for (let i = 0; i < 5; i++) {
      expect(((await get('/me', { Authorization: 'Bearer 2' })).json as { id: number }).id).toBe(2)
    }
    expect(edge.originRequests('GET /me')).toBe(asked + 5)
    // A per-role route read anonymously is private too: never stored by Varnish.
    const anonymous = edge.originRequests('GET /users/1')
    await get('/users/1')
    await get('/users/1')
    expect(edge.originRequests('GET /users/1')).toBe(anonymous + 2)
    // The admin's view (with the email) never reaches another caller through Varnish.
    const admin = await get('/users/2', { Authorization: 'Bearer 1' })
    const member = await get('/users/2', { Authorization: 'Bearer 3' })
    expect(admin.json).toHaveProperty('email')
    expect(member.json).not.toHaveProperty('email')
    expect(admin.headers.get('etag')).not.toBe(member.headers.get('etag'))
  })
})
