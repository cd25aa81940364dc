// requestInfo: headers from Node's request on @hono/node-server, from Hono's request elsewhere.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { requestInfo } from './request-info.js'

async function seen(env: unknown, headers: Record<string, string>): Promise<unknown> {
  const app = new Hono()
  app.get('/p', (c) => {
    const info = requestInfo(c.req, c.env)
    return c.json({
      path: info.path,
      query: info.query,
      etag: info.header('If-None-Match') ?? null,
      cookie: info.header('cookie') ?? null,
    })
  })
  const response = await app.request('/p?b=2&a=1', { headers }, env)
  return response.json()
}

describe('requestInfo', () => {
  it("reads headers from Node's request when the server passes it (c.env.incoming)", async () => {
    const incoming = {
      headers: { 'if-none-match': '"node"', cookie: ['a=1', 'b=2'] },
      rawHeaders: ['If-None-Match', '"node"', 'Cookie', 'a=1', 'Cookie', 'b=2'],
    }
    // The Fetch request carries other values: the Node request must be the one read.
    expect(await seen({ incoming }, { 'If-None-Match': '"fetch"' })).toEqual({
      path: '/p',
      query: 'b=2&a=1',
      etag: '"node"',
      cookie: 'a=1, b=2',
    })
  })

  it("reads Hono's request without Node bindings, or with a binding that only shares the name", async () => {
    const fetchHeaders = { 'If-None-Match': '"fetch"', Cookie: 'c=3' }
    const expected = { path: '/p', query: 'b=2&a=1', etag: '"fetch"', cookie: 'c=3' }
    expect(await seen(undefined, fetchHeaders)).toEqual(expected)
    expect(await seen({ incoming: { headers: {} } }, fetchHeaders)).toEqual(expected)
  })
})
