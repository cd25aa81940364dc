import Keyv from 'keyv'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createGarner } from '../garner.js'
import type { RequestInfo } from '../keys/strategies/key-strategy.js'
import { formatHttpDate } from './conditional.js'
import {
  CACHE_BUST_HEADERS,
  cacheControlFor,
  DEFAULT_CACHE_CONTROL,
  DEFAULT_PUBLIC_CACHE_CONTROL,
  DEFAULT_VARY,
  JSON_CONTENT_TYPE,
} from './http.js'

function request(method: string, headers: Record<string, string> = {}): RequestInfo {
  return { method, path: '/items/1', query: '', header: (name) => headers[name.toLowerCase()] }
}

const now = Date.UTC(2026, 0, 1, 12, 0, 0)

describe('respond', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(now)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('answers a GET with 200, the JSON body and the validators', async () => {
    const garner = createGarner()
    const result = await garner.identity({ request: request('get') }).respond(() => ({ a: 1 }))
    expect(result?.status).toBe(200)
    expect(result?.body).toBe('{"a":1}')
    expect(result?.headers).toEqual({
      ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      'Last-Modified': formatHttpDate(now),
      'Cache-Control': DEFAULT_CACHE_CONTROL,
      Vary: DEFAULT_VARY,
      'Content-Type': JSON_CONTENT_TYPE,
    })
    expect(DEFAULT_CACHE_CONTROL).toBe('private, max-age=0, must-revalidate')
    expect(DEFAULT_VARY).toBe('Authorization, Cookie')
    expect(JSON_CONTENT_TYPE).toBe('application/json; charset=utf-8')
  })

  it('answers 304 with the same validators when the client copy is current, without the loader', async () => {
    const garner = createGarner()
    const first = await garner.identity({ request: request('GET') }).respond(() => 1)
    let loads = 0
    const again = await garner
      .identity({ request: request('GET', { 'if-none-match': first!.headers.ETag! }) })
      .respond(() => ++loads)
    expect(again).toEqual({ status: 304, headers: first?.headers, body: undefined })
    expect(loads).toBe(0)
    const byDate = await garner
      .identity({ request: request('GET', { 'if-modified-since': formatHttpDate(now) }) })
      .respond(() => ++loads)
    expect(byDate?.status).toBe(304)
  })

  it('answers HEAD with the headers and the body length, and no body', async () => {
    const garner = createGarner()
    const head = await garner.identity({ request: request('HEAD') }).respond(() => 'é')
    expect(head?.status).toBe(200)
    expect(head?.body).toBeUndefined()
    expect(head?.headers['Content-Length']).toBe('4')
    expect(head?.headers.ETag).toBeDefined()
  })

  it('runs the loader for other methods, never caches, and says so in the headers', async () => {
    const garner = createGarner()
    let loads = 0
    for (const method of ['POST', 'post', 'DELETE']) {
      const result = await garner.identity({ request: request(method) }).respond(() => ++loads)
      expect(result).toEqual({
        status: 200,
        headers: { ...CACHE_BUST_HEADERS, 'Content-Type': JSON_CONTENT_TYPE },
        body: String(loads),
      })
    }
    expect(loads).toBe(3)
    expect(CACHE_BUST_HEADERS).toEqual({
      'Cache-Control': 'private, max-age=0, must-revalidate',
      Expires: 'Fri, 01 Jan 1990 00:00:00 GMT',
    })
    expect(
      await garner.identity({ request: request('POST') }).respond(() => undefined),
    ).toBeUndefined()
  })

  it('answers undefined (not found) when the loader returns undefined, for GET and HEAD', async () => {
    const garner = createGarner()
    expect(await garner.identity({ request: request('GET') }).respond(() => undefined)).toBe(
      undefined,
    )
    expect(await garner.identity({ request: request('HEAD') }).respond(() => undefined)).toBe(
      undefined,
    )
  })

  it('uses the public Cache-Control on public routes, and the route options when given', async () => {
    const garner = createGarner()
    const open = await garner
      .identity({ request: request('GET') })
      .options({ public: true })
      .respond(() => 1)
    expect(open?.headers['Cache-Control']).toBe(DEFAULT_PUBLIC_CACHE_CONTROL)
    expect(DEFAULT_PUBLIC_CACHE_CONTROL).toBe('public, max-age=0, must-revalidate')
    const custom = await garner
      .identity({ request: request('GET') })
      .respond(() => 1, { cacheControl: 'no-cache', vary: 'Accept' })
    expect(custom?.headers['Cache-Control']).toBe('no-cache')
    expect(custom?.headers.Vary).toBe('Accept')
  })

  it('withholds a Last-Modified ahead of the clock, and keeps the ETag', async () => {
    const garner = createGarner()
    const first = await garner
      .identity({ request: request('GET') })
      .key('k')
      .respond(() => 1)
    expect(first?.headers['Last-Modified']).toBe(formatHttpDate(now))
    // Changed within the same second: Last-Modified moves one second ahead of the clock.
    const changed = await garner
      .identity({ request: request('GET') })
      .key('k')
      .bind('X')
      .respond(() => 2)
    expect(changed?.body).toBe('2')
    expect(changed?.headers['Last-Modified']).toBeUndefined()
    expect(changed?.headers.ETag).toBeDefined()
    vi.setSystemTime(now + 1000)
    const later = await garner
      .identity({ request: request('GET') })
      .key('k')
      .bind('X')
      .respond(() => 3)
    expect(later?.body).toBe('2')
    expect(later?.headers['Last-Modified']).toBe(formatHttpDate(now + 1000))
  })
})

describe('cacheControlFor', () => {
  it('is private for private routes; public with s-maxage only for a positive shared lifetime', () => {
    expect(cacheControlFor(false, 60)).toBe(DEFAULT_CACHE_CONTROL)
    expect(cacheControlFor(true, 60)).toBe(`${DEFAULT_PUBLIC_CACHE_CONTROL}, s-maxage=60`)
    expect(cacheControlFor(true, 0)).toBe(DEFAULT_PUBLIC_CACHE_CONTROL)
    expect(cacheControlFor(true, undefined)).toBe(DEFAULT_PUBLIC_CACHE_CONTROL)
  })
})

describe('shared cache headers of public answers', () => {
  it('carry no s-maxage without sharedMaxAge or purgers, and no Vary unless asked', async () => {
    const garner = createGarner({ ttl: 60_000 })
    const result = await garner
      .identity({ request: request('GET') })
      .options({ public: true })
      .respond(() => 1)
    expect(result?.headers['Cache-Control']).toBe('public, max-age=60, must-revalidate')
    expect(Object.keys(result!.headers)).not.toContain('Vary')
  })

  it('give a shared cache no freshness for an invalidated entry answered stale', async () => {
    let now = 1_000_000
    const garner = createGarner({ clock: () => now, sharedMaxAge: 30_000 })
    const route = () =>
      garner
        .identity({ request: request('GET') })
        .options({
          public: true,
          ttl: 60_000,
          staleWhileRevalidate: 60_000,
          staleAfterInvalidate: true,
        })
        .bind('User')
        .respond(() => ({ at: now }))
    expect((await route())?.headers['Cache-Control']).toBe(
      'public, max-age=60, s-maxage=30, stale-while-revalidate=60',
    )
    now += 1_000
    await garner.invalidate('User')
    const stale = await route()
    expect(stale?.body).toBe('{"at":1000000}')
    expect(stale?.headers['Cache-Control']).toBe('public, max-age=0, stale-while-revalidate=60')
  })
})

/** A Keyv over a Map that keeps entries' metadata but loses every body (as an evicting store may). */
function bodilessStore(): Keyv {
  const map = new Map<string, unknown>()
  const set = map.set.bind(map)
  map.set = (key, value) => (key.includes(':b:') ? map : set(key, value))
  return new Keyv({ store: map })
}

describe('respond over a store that lost the body', () => {
  it('answers HEAD and 304 from the metadata alone, without the loader', async () => {
    const garner = createGarner({ store: bodilessStore() })
    let loads = 0
    const route = (method: string, headers?: Record<string, string>) =>
      garner.identity({ request: request(method, headers) }).respond(() => ++loads)
    const first = await route('GET')
    const head = await route('HEAD')
    expect([head?.status, head?.headers.ETag, head?.headers['Content-Length']]).toEqual([
      200,
      first?.headers.ETag,
      '1',
    ])
    expect((await route('GET', { 'if-none-match': first!.headers.ETag! }))?.status).toBe(304)
    expect(loads).toBe(1)
  })

  it('reloads for a 200 after a failed precondition, and answers not found when the loader does', async () => {
    const garner = createGarner({ store: bodilessStore() })
    const route = (load: () => unknown) =>
      garner
        .identity({ request: request('GET', { 'if-none-match': '"other"' }) })
        .key('k')
        .respond(load)
    expect((await route(() => 1))?.body).toBe('1')
    // The metadata says there is an entry; its body is gone and the loader now finds nothing.
    expect(await route(() => undefined)).toBeUndefined()
  })
})
