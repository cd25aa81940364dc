// The demo end to end: real HTTP against a started server, for every app and both stores
// (a private redis-server per suite, so that the store-failure case can kill it).
import type { RedisServer } from '@garner/fixtures'
import { sleep } from '@garner/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RequestInit, sendJson as sendJsonTo, send as sendTo } from '../testing/http-client.js'
import { startTestDemo, type TestDemo } from '../testing/test-demo.js'
import { FRAMEWORKS, type Framework } from './apps/index.js'
import type { Demo } from './server.js'

const BUST = 'private, max-age=0, must-revalidate'
const ADMIN = { Authorization: 'Bearer 1' } // Ada, admin (seed)
const MEMBER = { Authorization: 'Bearer 2' } // Grace, member (seed)
const OTHER_MEMBER = { Authorization: 'Bearer 3' } // Linus, member (seed)

// Every app of src/apps/ on each store.
const matrix: [Framework, 'memory' | 'redis'][] = (['memory', 'redis'] as const).flatMap((store) =>
  FRAMEWORKS.map((framework): [Framework, 'memory' | 'redis'] => [framework, store]),
)

describe.each(matrix)('demo on %s with the %s store', (framework, store) => {
  let target: TestDemo
  let demo: Demo
  let redis: RedisServer | undefined

  beforeAll(async () => {
    target = await startTestDemo(framework, store)
    demo = target.demo
    redis = target.redis
  })
  afterAll(async () => {
    await target?.close()
  })

  const send = (path: string, init?: RequestInit) => sendTo(demo.url, path, init)
  const sendJson = (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => sendJsonTo(demo.url, method, path, body, headers)

  describe('operations', () => {
    it('answers /health with the framework and store, with cache-bust headers', async () => {
      // With Redis, the near cache's tracking connection comes up beside the server.
      const nearCache = store === 'redis' ? 'connected' : 'off'
      let health = await send('/health')
      for (
        let tries = 0;
        tries < 100 && (health.json as { nearCache?: string }).nearCache !== nearCache;
        tries++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        health = await send('/health')
      }
      expect(health.status).toBe(200)
      expect(health.json).toEqual({
        status: 'ok',
        framework,
        store,
        nearCache,
      })
      expect(health.headers.get('cache-control')).toBe(BUST)
      expect(health.headers.get('expires')).toBe('Fri, 01 Jan 1990 00:00:00 GMT')
    })

    it('counts hits, misses and invalidations on /stats', async () => {
      const before = (await send('/stats')).json as Record<string, number>
      await send('/users')
      await send('/users')
      await sendJson('PATCH', '/users/3', { name: 'Linus T.' })
      const after = (await send('/stats')).json as Record<string, number>
      expect(Object.keys(after).sort()).toEqual([
        'hits',
        'hitsByTier',
        'invalidations',
        'loaderErrors',
        'misses',
        'staleHits',
        'storeErrors',
      ])
      expect(after.hits!).toBeGreaterThan(before.hits!)
      expect(after.misses!).toBeGreaterThanOrEqual(before.misses!)
      expect(after.invalidations!).toBeGreaterThan(before.invalidations!)
    })
  })

  describe('the key-value layer', () => {
    it('gets, inserts, replaces and deletes JSON by key with the documented answers', async () => {
      expect(await send('/kv/greeting')).toMatchObject({
        status: 404,
        json: { error: 'Key not found' },
      })
      expect(await sendJson('POST', '/kv/greeting', { hello: 'world' })).toMatchObject({
        status: 201,
        json: { ok: true },
      })
      expect(await sendJson('POST', '/kv/greeting', { hello: 'again' })).toMatchObject({
        status: 409,
        json: { error: 'Key already exists' },
      })
      const stored = await send('/kv/greeting')
      expect(stored.status).toBe(200)
      expect(stored.json).toEqual({ hello: 'world' })
      expect(stored.headers.get('content-type')).toMatch(/^application\/json/)
      expect(stored.headers.get('cache-control')).toBe(BUST)
      expect(await sendJson('PUT', '/kv/greeting', [1, 2, 3])).toMatchObject({
        status: 200,
        json: { ok: true },
      })
      expect((await send('/kv/greeting')).json).toEqual([1, 2, 3])
      expect(await send('/kv/greeting', { method: 'DELETE' })).toMatchObject({
        status: 200,
        json: { ok: true },
      })
      expect(await send('/kv/greeting', { method: 'DELETE' })).toMatchObject({
        status: 404,
        json: { error: 'Key does not exist' },
      })
      expect((await sendJson('PUT', '/kv/fresh', 'inserted by PUT')).status).toBe(200)
      expect((await send('/kv/fresh')).json).toBe('inserted by PUT')
    })

    it('returns the stored JSON text exactly as it was sent', async () => {
      const text = '{ "spaced" : [1, 2.50, "x"] }'
      await send('/kv/exact', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: text,
      })
      expect((await send('/kv/exact')).text).toBe(text)
    })

    it('refuses bodies that are not JSON, bad ttls and keys outside 1 to 250 characters', async () => {
      expect(await send('/kv/bad', { method: 'POST', body: '{not json' })).toMatchObject({
        status: 400,
      })
      expect(await send('/kv/bad', { method: 'POST', body: '' })).toMatchObject({ status: 400 })
      expect((await sendJson('POST', '/kv/bad?ttl=0', 1)).status).toBe(400)
      expect((await sendJson('POST', '/kv/bad?ttl=1.5', 1)).status).toBe(400)
      expect((await sendJson('PUT', '/kv/bad?ttl=soon', 1)).status).toBe(400)
      expect((await sendJson('PUT', `/kv/${'k'.repeat(250)}`, 1)).status).toBe(200)
      expect((await sendJson('PUT', `/kv/${'k'.repeat(251)}`, 1)).status).toBe(400)
      expect((await send(`/kv/${'k'.repeat(251)}`)).status).toBe(400)
      const bad = await send('/kv/bad', { method: 'POST', body: '{not json' })
      expect(bad.json).toHaveProperty('error')
    })

    it('allows "/" in a key when it is encoded, and keeps it apart from other keys', async () => {
      await sendJson('PUT', '/kv/a%2Fb', 'slashed')
      await sendJson('PUT', '/kv/a%252Fb', 'percent')
      expect((await send('/kv/a%2Fb')).json).toBe('slashed')
      expect((await send('/kv/a%252Fb')).json).toBe('percent')
      expect((await send('/kv/a/b')).status).toBe(404)
    })

    it('expires entries after their ttl', async () => {
      await sendJson('POST', '/kv/short?ttl=1', 'soon gone')
      expect((await send('/kv/short')).status).toBe(200)
      await sleep(1_300)
      expect(await send('/kv/short')).toMatchObject({
        status: 404,
        json: { error: 'Key not found' },
      })
      // Gone means gone: it can be inserted again.
      expect((await sendJson('POST', '/kv/short', 'again')).status).toBe(201)
    })
  })

  describe('cached reads and 304s', () => {
    it('answers GET /users from the cache, then 304 for the ETag and for Last-Modified', async () => {
      const first = await send('/users')
      expect(first.status).toBe(200)
      expect(first.json).toEqual(
        expect.arrayContaining([{ id: 1, name: 'Ada Lovelace', role: 'admin' }]),
      )
      const etag = first.headers.get('etag')!
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
      expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
      const byEtag = await send('/users', { headers: { 'If-None-Match': etag } })
      expect(byEtag.status).toBe(304)
      expect(byEtag.text).toBe('')
      expect(byEtag.headers.get('etag')).toBe(etag)
      const byDate = await send('/users', {
        headers: { 'If-Modified-Since': first.headers.get('last-modified')! },
      })
      expect(byDate.status).toBe(304)
    })

    it('shows users, their posts and single posts, with 404 for unknown ids', async () => {
      expect((await send('/users/2')).json).toEqual({ id: 2, name: 'Grace Hopper', role: 'member' })
      const posts = await send('/users/1/posts')
      expect(posts.status).toBe(200)
      expect((posts.json as { title: string }[]).map((post) => post.title)).toContain(
        'Notes on the Analytical Engine',
      )
      const [post] = posts.json as { id: number }[]
      expect((await send(`/posts/${post!.id}`)).json).toMatchObject({ id: post!.id, authorId: 1 })
      for (const path of [
        '/users/999',
        '/users/abc',
        '/users/999/posts',
        '/posts/999',
        '/posts/0',
        '/nowhere',
      ]) {
        expect(await send(path)).toMatchObject({ status: 404, json: { error: 'Not found' } })
      }
    })

    it('shows the email to admins only, and never hands an admin response to a member', async () => {
      const admin = await send('/users/2', { headers: ADMIN })
      expect(admin.json).toEqual({
        id: 2,
        name: 'Grace Hopper',
        role: 'member',
        email: 'grace@example.com',
      })
      const member = await send('/users/2', { headers: OTHER_MEMBER })
      expect(member.json).toEqual({ id: 2, name: 'Grace Hopper', role: 'member' })
      expect(member.headers.get('etag')).not.toBe(admin.headers.get('etag'))
      // The admin's ETag does not validate the member's copy.
      const crossed = await send('/users/2', {
        headers: { ...OTHER_MEMBER, 'If-None-Match': admin.headers.get('etag')! },
      })
      expect(crossed.status).toBe(200)
      expect(crossed.json).not.toHaveProperty('email')
      const anonymous = await send('/users/2', { headers: { Authorization: 'Bearer 999' } })
      expect(anonymous.json).not.toHaveProperty('email')
    })

    it("answers /me with the caller's own user, and 401 without a caller", async () => {
      expect(await send('/me')).toMatchObject({ status: 401 })
      expect(await send('/me', { headers: { Authorization: 'Bearer 999' } })).toMatchObject({
        status: 401,
      })
      expect((await send('/me', { headers: ADMIN })).json).toMatchObject({
        id: 1,
        email: 'ada@example.com',
      })
      expect((await send('/me', { headers: MEMBER })).json).toMatchObject({
        id: 2,
        email: 'grace@example.com',
      })
      expect((await send('/me', { headers: ADMIN })).json).toMatchObject({ id: 1 })
    })
  })

  describe('writes invalidate what they touched', () => {
    it('POST /users: 201, then the list shows the new user with a new ETag', async () => {
      const before = await send('/users')
      const created = await sendJson('POST', '/users', {
        name: 'Barbara Liskov',
        email: 'barbara@example.com',
      })
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({ name: 'Barbara Liskov', role: 'member' })
      expect(created.headers.get('cache-control')).toBe(BUST)
      const after = await send('/users', {
        headers: { 'If-None-Match': before.headers.get('etag')! },
      })
      expect(after.status).toBe(200)
      expect(after.json).toContainEqual({
        id: (created.json as { id: number }).id,
        name: 'Barbara Liskov',
        role: 'member',
      })
    })

    it('POST /users: 400 naming the field, 409 for a taken email', async () => {
      expect((await sendJson('POST', '/users', { email: 'x@example.com' })).json).toEqual({
        error: 'name must be a non-empty string of at most 100 characters',
      })
      expect((await sendJson('POST', '/users', { name: 'X', email: 'nope' })).json).toEqual({
        error: 'email must be an email address',
      })
      expect(
        (await sendJson('POST', '/users', { name: 'X', email: 'x@example.com', role: 'root' }))
          .status,
      ).toBe(400)
      expect((await send('/users', { method: 'POST', body: '[1,2]' })).status).toBe(400)
      expect(
        await sendJson('POST', '/users', { name: 'Copy', email: 'ada@example.com' }),
      ).toMatchObject({
        status: 409,
        json: { error: 'email is already taken' },
      })
    })

    it('PATCH /users/:id: the next read shows the change; an old ETag gets 200, not 304', async () => {
      const before = await send('/users/3', { headers: ADMIN })
      const patched = await sendJson(
        'PATCH',
        '/users/3',
        { name: 'Linus Benedict Torvalds' },
        ADMIN,
      )
      expect(patched).toMatchObject({
        status: 200,
        json: { id: 3, name: 'Linus Benedict Torvalds' },
      })
      const after = await send('/users/3', {
        headers: { ...ADMIN, 'If-None-Match': before.headers.get('etag')! },
      })
      expect(after.status).toBe(200)
      expect(after.json).toMatchObject({ name: 'Linus Benedict Torvalds' })
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'))
      expect((await send('/users')).json).toContainEqual({
        id: 3,
        name: 'Linus Benedict Torvalds',
        role: 'member',
      })
      expect((await sendJson('PATCH', '/users/3', { role: 'owner' })).status).toBe(400)
      expect((await sendJson('PATCH', '/users/999', { name: 'Nobody' })).status).toBe(404)
    })

    it('a role change shows at once in what that caller is allowed to see', async () => {
      const user = (await sendJson('POST', '/users', { name: 'Temp', email: 'temp@example.com' }))
        .json as { id: number }
      const caller = { Authorization: `Bearer ${user.id}` }
      expect((await send('/users/1', { headers: caller })).json).not.toHaveProperty('email')
      await sendJson('PATCH', `/users/${user.id}`, { role: 'admin' })
      expect((await send('/users/1', { headers: caller })).json).toHaveProperty(
        'email',
        'ada@example.com',
      )
    })

    it('posts: create, change and delete show at once in every cached view', async () => {
      const listBefore = await send('/users/2/posts')
      const created = await sendJson('POST', '/users/2/posts', {
        title: 'COBOL',
        body: 'Common business-oriented.',
      })
      expect(created).toMatchObject({ status: 201, json: { title: 'COBOL', authorId: 2 } })
      const id = (created.json as { id: number }).id
      const listAfter = await send('/users/2/posts', {
        headers: { 'If-None-Match': listBefore.headers.get('etag')! },
      })
      expect(listAfter.status).toBe(200)
      expect((listAfter.json as { id: number }[]).map((post) => post.id)).toContain(id)
      expect((await send(`/posts/${id}`)).json).toMatchObject({ title: 'COBOL' })
      expect((await sendJson('PATCH', `/posts/${id}`, { title: 'COBOL 60' })).json).toMatchObject({
        title: 'COBOL 60',
      })
      expect((await send(`/posts/${id}`)).json).toMatchObject({ title: 'COBOL 60' })
      expect((await sendJson('PATCH', `/posts/${id}`, { title: '' })).status).toBe(400)
      expect((await send(`/posts/${id}`, { method: 'DELETE' })).status).toBe(204)
      expect((await send(`/posts/${id}`)).status).toBe(404)
      expect((await send(`/posts/${id}`, { method: 'DELETE' })).status).toBe(404)
      expect((await sendJson('POST', '/users/999/posts', { title: 'x', body: 'y' })).status).toBe(
        404,
      )
      expect((await sendJson('POST', '/users/2/posts', { title: 'x' })).json).toEqual({
        error: 'body must be a non-empty string of at most 10000 characters',
      })
    })

    it('DELETE /users/:id: 204, and the user and their posts are gone from every cached view', async () => {
      const user = (await sendJson('POST', '/users', { name: 'Gone', email: 'gone@example.com' }))
        .json as { id: number }
      const post = (
        await sendJson('POST', `/users/${user.id}/posts`, { title: 'Last words', body: '.' })
      ).json as { id: number }
      expect((await send(`/users/${user.id}`)).status).toBe(200)
      expect((await send(`/posts/${post.id}`)).status).toBe(200)
      expect((await send(`/users/${user.id}/posts`)).status).toBe(200)
      expect((await send(`/users/${user.id}`, { method: 'DELETE' })).status).toBe(204)
      expect((await send(`/users/${user.id}`)).status).toBe(404)
      expect((await send(`/users/${user.id}/posts`)).status).toBe(404)
      expect((await send(`/posts/${post.id}`)).status).toBe(404)
      expect((await send('/users')).json).not.toContainEqual(
        expect.objectContaining({ id: user.id }),
      )
      expect((await send(`/users/${user.id}`, { method: 'DELETE' })).status).toBe(404)
    })
  })

  if (store === 'redis') {
    it('answers /kv with 503 while Redis is down, keeps cached routes up, and recovers', async () => {
      await sendJson('PUT', '/kv/survivor', 'here')
      await send('/users')
      await redis!.kill()
      try {
        const failed = await send('/kv/survivor')
        expect(failed.status).toBe(503)
        expect(failed.json).toEqual({ error: expect.any(String) })
        expect(failed.text).not.toMatch(/at .*\(/)
        expect((await sendJson('PUT', '/kv/survivor', 'x')).status).toBe(503)
        // Cached reads fall back to the database.
        expect((await send('/users')).status).toBe(200)
        expect((await send('/users/1', { headers: ADMIN })).status).toBe(200)
      } finally {
        await redis!.restart()
      }
      let recovered = false
      for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
        recovered = (await sendJson('PUT', '/kv/survivor', 'back')).status === 200
        if (!recovered) await sleep(100)
      }
      expect(recovered).toBe(true)
      expect((await send('/kv/survivor')).json).toBe('back')
    })
  }
})
