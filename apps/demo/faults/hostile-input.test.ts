// Hostile input against the demo, on both frameworks (bounded fuzz runs): garbage, huge and
// repeated conditional headers, keys of every Unicode class and 10 KB long, deeply nested and
// huge JSON bodies, path tricks that try to collide keys, and header values that try to reach
// response headers. The answers are documented 4xx, never a 5xx, and the process stays up.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAMEWORKS } from '../src/apps/index.js'
import {
  rawRequest,
  report,
  StatusCounts,
  send,
  sendJson,
  startTestDemo,
  type TestDemo,
} from './harness.js'

const isServerError = (status: number): boolean => status >= 500 || status === 0

describe.each(FRAMEWORKS)('hostile input (%s)', (framework) => {
  let target: TestDemo
  const statuses = new StatusCounts()

  beforeAll(async () => {
    target = await startTestDemo(framework, 'memory')
  })
  afterAll(async () => {
    report(`Hostile input (${framework})`, {
      requests: statuses.total,
      statuses: statuses.toString(),
      'server errors (5xx or dropped)': statuses.count(isServerError),
    })
    await target?.close()
  })

  const record = (status: number): number => {
    statuses.add(status)
    return status
  }

  it('answers any If-None-Match and If-Modified-Since with 200 or 304, never 5xx (fuzz)', async () => {
    const { headers } = await send(target.url, '/users/1')
    const etag = headers.get('etag')!
    const tag = fc.oneof(
      fc.constant(etag),
      fc.constant(`W/${etag}`),
      fc.constant('*'),
      fc.string(),
      fc.string({ unit: 'binary' }),
    )
    const header = fc.oneof(
      tag,
      fc.array(tag, { maxLength: 50 }).map((tags) => tags.join(', ')),
      fc.string({ minLength: 2_000, maxLength: 8_000 }),
    )
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.option(
          fc.oneof(
            fc.string(),
            fc.date().map((date) => date.toUTCString()),
          ),
        ),
        async (ifNoneMatch, ifModifiedSince) => {
          const requestHeaders: Record<string, string> = {}
          // fetch() refuses control characters and non-Latin-1 text in headers; the raw-socket
          // cases below send those.
          const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '')
          requestHeaders['If-None-Match'] = printable(ifNoneMatch)
          if (ifModifiedSince !== null)
            requestHeaders['If-Modified-Since'] = printable(ifModifiedSince)
          const status = record(
            (await send(target.url, '/users/1', { headers: requestHeaders })).status,
          )
          expect([200, 304]).toContain(status)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('answers keys of every Unicode class, and 10 KB keys, with documented statuses; stored keys read back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.jsonValue({ maxDepth: 3 }),
        async (key, value) => {
          const path = `/kv/${encodeURIComponent(key)}`
          const put = record((await sendJson(target.url, 'PUT', path, value)).status)
          expect(put).toBe(200)
          const got = await send(target.url, path)
          record(got.status)
          expect(got.status).toBe(200)
          expect(JSON.parse(got.text)).toEqual(JSON.parse(JSON.stringify(value)))
          expect(record((await send(target.url, path, { method: 'DELETE' })).status)).toBe(200)
        },
      ),
      { numRuns: 150 },
    )
    // 10 KB keys: too long for /kv (400), or too long for the server's header limit (431).
    for (const key of ['k'.repeat(10_240), 'é'.repeat(10_240)]) {
      const status = record(
        (await sendJson(target.url, 'PUT', `/kv/${encodeURIComponent(key)}`, 1)).status,
      )
      expect([400, 414, 431]).toContain(status)
    }
    // Malformed percent-encoding is not a server error.
    for (const path of ['/kv/%', '/kv/%E0%A4%A', '/kv/%ZZ', '/users/%C0%AF']) {
      expect(isServerError(record((await send(target.url, path)).status))).toBe(false)
    }
  })

  it('refuses deeply nested and huge JSON bodies with 4xx, or stores them faithfully', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const deepStatus = record(
      (await send(target.url, '/kv/deep', { method: 'PUT', body: deep })).status,
    )
    expect([200, 400, 413]).toContain(deepStatus)
    if (deepStatus === 200) expect((await send(target.url, '/kv/deep')).text).toBe(deep)
    const huge = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) })
    expect(record((await send(target.url, '/kv/huge', { method: 'PUT', body: huge })).status)).toBe(
      413,
    )
    const wide = JSON.stringify(Array.from({ length: 50_000 }, (_, index) => ({ index })))
    expect([200, 413]).toContain(
      record((await send(target.url, '/kv/wide', { method: 'PUT', body: wide })).status),
    )
    for (const body of ['{', '"unterminated', '\u0000', 'NaN', '[1,]', '']) {
      expect(record((await send(target.url, '/kv/bad', { method: 'PUT', body })).status)).toBe(400)
    }
    expect(record((await send(target.url, '/users', { method: 'POST', body: deep })).status)).toBe(
      400,
    )
  })

  it('keys the same resource the same way and different resources apart, whatever the path tricks', async () => {
    const a = await send(target.url, '/users/1?a=1&b=2')
    const b = await send(target.url, '/users/1?b=2&a=1')
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'))
    const before = target.demo.stats.misses
    await send(target.url, '/users/1?b=2&a=1')
    expect(target.demo.stats.misses).toBe(before)
    // `/users/1%3Fa` is the user whose id is "1?a" (none), `/users/1?a` is user 1 with a query.
    expect(record((await send(target.url, '/users/1%3Fa')).status)).toBe(404)
    expect(record((await send(target.url, '/users/1?a')).status)).toBe(200)
    // Query tricks: the sorted, decoded pairs are the key, so these are two different entries.
    const amp = await send(target.url, '/users?x=a%26b=c')
    const split = await send(target.url, '/users?x=a&b=c')
    expect([amp.status, split.status]).toEqual([200, 200])
    const missesBefore = target.demo.stats.misses
    await send(target.url, '/users?b=c&x=a')
    expect(target.demo.stats.misses).toBe(missesBefore)
  })

  it('never lets request bytes reach the response headers', async () => {
    const injections = [
      'GET /users/1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "a"\r\nX-Evil: 1\r\n\r\n',
      'GET /users/1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "a\rSet-Cookie: evil=1"\r\n\r\n',
      'GET /users/1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "a\nSet-Cookie: evil=1"\r\n\r\n',
      'GET /kv/a%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /users/1\r\nSet-Cookie: evil=1 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /users/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 1\r\nIf-Modified-Since: \u0000\u0001\r\n\r\n',
      'BREW /users/1 HTCPCP/1.0\r\n\r\n',
      Buffer.from([
        0x47, 0x45, 0x54, 0x20, 0x2f, 0xff, 0xfe, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e,
        0x31, 0x0d, 0x0a, 0x0d, 0x0a,
      ]),
    ]
    for (const request of injections) {
      const status = await rawRequest(target.url, request)
      record(status === 0 ? 400 : status)
      expect(status === 0 || status < 500).toBe(true)
    }
    // Stored values never become headers either.
    await sendJson(
      target.url,
      'PUT',
      `/kv/${encodeURIComponent('a\r\nSet-Cookie: evil=1')}`,
      'x\r\nSet-Cookie: evil=1',
    )
    const answer = await send(target.url, `/kv/${encodeURIComponent('a\r\nSet-Cookie: evil=1')}`)
    expect(answer.headers.get('set-cookie')).toBeNull()
    expect((await send(target.url, '/health')).status).toBe(200)
  })
})
