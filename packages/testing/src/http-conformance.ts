// The HTTP contract (cacheOr304, cache bust, safe-by-default credentials) as one suite of real
// HTTP requests, run against every adapter on every store. An adapter's test only mounts the
// routes below onto its framework; the cases and the loaders live here, framework-free.

import type { Garner, Identity, Loader, RespondOptions } from '@garner/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { eventually } from './deferred.js'
import { type TestClock, testClock } from './freshness-conformance.js'
import { memoryTarget, type OpenStore, type StoreTarget } from './store-target.js'

/** What a route handler gets: the request-scoped identity, the route params and the headers. */
export interface RouteInput<R> {
  readonly identity: Identity<R>
  readonly params: Readonly<Record<string, string>>
  /** A request header's value, or `undefined` when it was not sent. */
  header(name: string): string | undefined
}

/** A route answered through `identity.cacheOr304(loader, options)`. */
export interface CachedAnswer<R> {
  readonly identity: Identity<R>
  readonly loader: Loader<unknown>
  readonly options?: RespondOptions
}

/** A route answered with plain JSON by the framework itself (no cache). */
export interface PlainAnswer {
  readonly status: number
  readonly json: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** One route of the test app. Paths use `:param` segments, which Express and Hono both read. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** What the route answers: a cached answer for `cacheOr304`, or a plain JSON one. */
  answer<R>(input: RouteInput<R>): CachedAnswer<R> | PlainAnswer
}

/** A running test app. */
export interface HttpApp {
  readonly url: string
  /** Stops the app's server. */
  close(): Promise<void>
}

/**
 * Mounts `routes` on a fresh app of the adapter's framework, with `cacheBust()` and the
 * adapter's identity middleware for `garner`, and starts it on a loopback port.
 */
export type MountApp = (garner: Garner, routes: readonly HttpRoute[]) => Promise<HttpApp>

/** True for answers that go through the cache. */
export function isCachedAnswer<R>(
  answer: CachedAnswer<R> | PlainAnswer,
): answer is CachedAnswer<R> {
  return 'identity' in answer
}

interface Item {
  id: string
  name: string
  secret: string
}

/** The "database" behind the routes, and how often each loader ran. */
class Database {
  readonly items = new Map<string, Item>()
  private readonly counts = new Map<string, number>()
  /** Set while the "database" is down: the loaders of the freshness routes throw it. */
  down: Error | undefined
  private nextId = 0

  add(name = 'widget'): Item {
    const item = { id: String(++this.nextId), name, secret: `s-${this.nextId}` }
    this.items.set(item.id, item)
    return item
  }

  count(name: string): number {
    const calls = (this.counts.get(name) ?? 0) + 1
    this.counts.set(name, calls)
    return calls
  }

  calls(name: string): number {
    return this.counts.get(name) ?? 0
  }
}

function roleOf(authorization: string | undefined): string {
  return authorization?.split(':')[1] ?? 'anonymous'
}

/** The freshness options of the `/fresh…` routes. */
const FRESHNESS = { ttl: 60_000, staleWhileRevalidate: 300_000, staleIfError: 3_600_000 }

function testRoutes(db: Database): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/fresh/:id',
      answer: ({ identity, params }) => ({
        identity: identity.options({ ...FRESHNESS, public: true }),
        loader: () => {
          if (db.down) throw db.down
          return { id: params.id, run: db.count(`fresh:${params.id}`) }
        },
      }),
    },
    {
      method: 'GET',
      path: '/fresh-private/:id',
      answer: ({ identity, params }) => ({
        identity: identity.options(FRESHNESS),
        loader: () => ({ id: params.id, run: db.count(`fresh-private:${params.id}`) }),
      }),
    },
    {
      method: 'GET',
      path: '/items/:id',
      answer: ({ identity, params }) => ({
        identity: identity.bind(['Item', params.id!]),
        loader: () => {
          db.count(`item:${params.id}`)
          return db.items.get(params.id!)
        },
      }),
    },
    {
      method: 'POST',
      path: '/items/:id',
      answer: ({ identity, params }) => ({
        identity,
        loader: () => ({ posted: db.count(`post:${params.id}`) }),
      }),
    },
    {
      method: 'GET',
      path: '/search',
      answer: ({ identity }) => ({
        identity: identity.bind('Item'),
        loader: () => ({ results: [...db.items.values()].length, run: db.count('search') }),
      }),
    },
    {
      method: 'GET',
      path: '/whoami',
      answer: ({ identity, header }) => ({
        identity,
        loader: () => {
          db.count(`whoami:${header('authorization') ?? ''}:${header('cookie') ?? ''}`)
          return {
            authorization: header('authorization') ?? null,
            cookie: header('cookie') ?? null,
          }
        },
      }),
    },
    {
      method: 'GET',
      path: '/role/:id',
      answer: ({ identity, params, header }) => {
        const role = roleOf(header('authorization'))
        return {
          identity: identity.varyBy(role).bind(['Item', params.id!]),
          loader: () => {
            db.count(`role:${params.id}:${role}`)
            const { id, name, secret } = db.items.get(params.id!)!
            return role === 'admin' ? { id, name, secret } : { id, name }
          },
        }
      },
    },
    {
      method: 'GET',
      path: '/public/:id',
      answer: ({ identity, params }) => ({
        identity: identity.options({ public: true }).bind(['Item', params.id!]),
        loader: () => ({ id: params.id, run: db.count(`public:${params.id}`) }),
      }),
    },
    {
      method: 'GET',
      path: '/flaky/:id',
      answer: ({ identity, params }) => ({
        identity,
        loader: () => {
          if (db.count(`flaky:${params.id}`) === 1) throw new Error('the database hiccuped')
          return { id: params.id, recovered: true }
        },
      }),
    },
    {
      method: 'GET',
      path: '/plain',
      answer: () => ({ status: 200, json: { plain: true } }),
    },
    {
      method: 'GET',
      path: '/plain-own',
      answer: () => ({
        status: 200,
        json: { plain: true },
        headers: { 'Cache-Control': 'public, max-age=60' },
      }),
    },
  ]
}

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/**
 * Registers the HTTP conformance suite for one adapter, once per store target (default: the
 * in-process store only; pass Redis and any other store the adapter should be proven on).
 */
export function describeHttpConformance(
  framework: string,
  mount: MountApp,
  targets: readonly StoreTarget[] = [memoryTarget],
): void {
  for (const target of targets) {
    describe(`HTTP conformance: ${framework} on ${target.name}`, () => {
      let store: OpenStore
      let garner: Garner
      let app: HttpApp
      const db = new Database()
      // Garner's clock, moved by the freshness tests (the other routes have no ttl).
      const clock: TestClock = testClock()

      beforeAll(async () => {
        store = await target.open()
        garner = store.garner({ clock })
        app = await mount(garner, testRoutes(db))
      })
      afterAll(async () => {
        await app?.close()
        await store?.close?.()
      })

      async function send(
        path: string,
        headers: Record<string, string> = {},
        method = 'GET',
      ): Promise<Answer> {
        const response = await fetch(`${app.url}${path}`, { method, headers })
        return { status: response.status, headers: response.headers, body: await response.text() }
      }

      it('answers a miss with 200 and its validators, then a hit with the same bytes, running the loader once', async () => {
        const item = db.add('sprocket')
        const first = await send(`/items/${item.id}`)
        expect(first.status).toBe(200)
        expect(JSON.parse(first.body)).toEqual(item)
        expect(first.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/)
        expect(new Date(first.headers.get('last-modified')!).getTime()).toBeLessThanOrEqual(
          Date.now(),
        )
        expect(first.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate')
        expect(first.headers.get('vary')).toBe('Authorization, Cookie')
        expect(first.headers.get('content-type')).toMatch(/^application\/json/)
        expect(first.headers.get('expires')).toBeNull()
        const second = await send(`/items/${item.id}`)
        expect(second.status).toBe(200)
        expect(second.body).toBe(first.body)
        expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
        expect(db.calls(`item:${item.id}`)).toBe(1)
      })

      it('sends the stored JSON text on a hit, without serializing the value again', async () => {
        const item = db.add()
        const first = await send(`/items/${item.id}`)
        const stringify = vi.spyOn(JSON, 'stringify')
        try {
          const hit = await send(`/items/${item.id}`)
          expect(hit.body).toBe(first.body)
          const objects = stringify.mock.calls.filter(
            ([value]) => typeof value === 'object' && value !== null,
          )
          expect(objects).toEqual([])
        } finally {
          stringify.mockRestore()
        }
      })

      it('answers 304 by ETag (strong, weak, in a list, *) with validators and no body, without running the loader', async () => {
        const item = db.add()
        const { headers } = await send(`/items/${item.id}`)
        const etag = headers.get('etag')!
        for (const ifNoneMatch of [etag, `W/${etag}`, `"nope", ${etag}, W/"other"`, '*']) {
          const answer = await send(`/items/${item.id}`, { 'If-None-Match': ifNoneMatch })
          expect(answer.status).toBe(304)
          expect(answer.body).toBe('')
          expect(answer.headers.get('etag')).toBe(etag)
          expect(answer.headers.get('last-modified')).toBe(headers.get('last-modified'))
          expect(answer.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate')
          expect(answer.headers.get('vary')).toBe('Authorization, Cookie')
          // Never another type than the representation's, which a cache would store over it.
          expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
        }
        expect((await send(`/items/${item.id}`, { 'If-None-Match': '"nope"' })).status).toBe(200)
        // `*` inside a list is not an entity-tag: it matches nothing (RFC 9110 §13.1.2).
        expect((await send(`/items/${item.id}`, { 'If-None-Match': '"nope", *' })).status).toBe(200)
        expect(db.calls(`item:${item.id}`)).toBe(1)
      })

      it('answers 304 by date when the client echoes Last-Modified, and only without If-None-Match', async () => {
        const item = db.add()
        const { headers } = await send(`/items/${item.id}`)
        const lastModified = headers.get('last-modified')!
        expect(
          (await send(`/items/${item.id}`, { 'If-Modified-Since': lastModified })).status,
        ).toBe(304)
        // A date in the future is invalid (RFC 9110) and ignored.
        const future = new Date(Date.now() + 86_400_000).toUTCString()
        expect((await send(`/items/${item.id}`, { 'If-Modified-Since': future })).status).toBe(200)
        const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString()
        expect((await send(`/items/${item.id}`, { 'If-Modified-Since': earlier })).status).toBe(200)
        const both = await send(`/items/${item.id}`, {
          'If-None-Match': '"other"',
          'If-Modified-Since': lastModified,
        })
        expect(both.status).toBe(200)
        expect(db.calls(`item:${item.id}`)).toBe(1)
      })

      it('answers 200 with a new ETag after the bound model is invalidated, then 304 for the new ETag', async () => {
        const item = db.add('before')
        const before = await send(`/items/${item.id}`)
        const oldEtag = before.headers.get('etag')!
        item.name = 'after'
        await garner.invalidate('Item', item.id)
        const after = await send(`/items/${item.id}`, { 'If-None-Match': oldEtag })
        expect(after.status).toBe(200)
        expect(JSON.parse(after.body)).toMatchObject({ name: 'after' })
        const newEtag = after.headers.get('etag')!
        expect(newEtag).not.toBe(oldEtag)
        expect((await send(`/items/${item.id}`, { 'If-None-Match': newEtag })).status).toBe(304)
        expect(db.calls(`item:${item.id}`)).toBe(2)
      })

      it('answers 304 after an invalidation that did not change the data, running the loader once more', async () => {
        const item = db.add()
        const { headers } = await send(`/items/${item.id}`)
        await garner.invalidate('Item')
        const answer = await send(`/items/${item.id}`, { 'If-None-Match': headers.get('etag')! })
        expect(answer.status).toBe(304)
        expect(db.calls(`item:${item.id}`)).toBe(2)
      })

      it('answers HEAD like GET without a body, from the same entry', async () => {
        const item = db.add()
        const get = await send(`/items/${item.id}`)
        const head = await send(`/items/${item.id}`, {}, 'HEAD')
        expect(head.status).toBe(200)
        expect(head.body).toBe('')
        expect(head.headers.get('etag')).toBe(get.headers.get('etag'))
        expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(get.body)))
        expect(
          (await send(`/items/${item.id}`, { 'If-None-Match': get.headers.get('etag')! }, 'HEAD'))
            .status,
        ).toBe(304)
        const fresh = db.add()
        expect((await send(`/items/${fresh.id}`, {}, 'HEAD')).status).toBe(200)
        expect((await send(`/items/${fresh.id}`)).status).toBe(200)
        expect(db.calls(`item:${item.id}`)).toBe(1)
        expect(db.calls(`item:${fresh.id}`)).toBe(1)
      })

      it('never caches POST', async () => {
        const first = await send('/items/post-1', {}, 'POST')
        const second = await send('/items/post-1', {}, 'POST')
        expect([first.status, second.status]).toEqual([200, 200])
        expect(JSON.parse(second.body)).toEqual({ posted: 2 })
        expect(db.calls('post:post-1')).toBe(2)
      })

      it('keys by the sorted query, and keeps encoded paths apart from queries', async () => {
        const runs = () => db.calls('search')
        const start = runs()
        await send('/search?a=1&b=2')
        await send('/search?b=2&a=1')
        expect(runs()).toBe(start + 1)
        await send('/search?a=1&b=3')
        expect(runs()).toBe(start + 2)
        const item = db.add()
        db.items.set(`${item.id}?a`, { ...item, name: 'encoded' })
        const plain = await send(`/items/${item.id}?a`)
        const encoded = await send(`/items/${item.id}%3Fa`)
        expect(JSON.parse(plain.body)).toMatchObject({ name: item.name })
        expect(JSON.parse(encoded.body)).toMatchObject({ name: 'encoded' })
      })

      it('never shows one caller what another caller got, unless the route declares how it varies', async () => {
        const alice = { Authorization: 'Bearer alice:member' }
        const bob = { Authorization: 'Bearer bob:member' }
        const aliceAnswer = JSON.parse((await send('/whoami', alice)).body)
        const bobAnswer = JSON.parse((await send('/whoami', bob)).body)
        expect(aliceAnswer.authorization).toBe(alice.Authorization)
        expect(bobAnswer.authorization).toBe(bob.Authorization)
        expect(JSON.parse((await send('/whoami', { Cookie: 'session=1' })).body).cookie).toBe(
          'session=1',
        )
        expect(JSON.parse((await send('/whoami', { Cookie: 'session=2' })).body).cookie).toBe(
          'session=2',
        )
        expect(JSON.parse((await send('/whoami')).body).authorization).toBeNull()
        // Each caller's own entry is reused.
        await send('/whoami', alice)
        expect(db.calls(`whoami:${alice.Authorization}:`)).toBe(1)
        expect(db.calls(`whoami:${bob.Authorization}:`)).toBe(1)
      })

      it('shares an entry between callers with the same declared role, and keeps roles apart', async () => {
        const item = db.add()
        const admin1 = await send(`/role/${item.id}`, { Authorization: 'Bearer ann:admin' })
        const admin2 = await send(`/role/${item.id}`, { Authorization: 'Bearer bea:admin' })
        const member = await send(`/role/${item.id}`, { Authorization: 'Bearer cal:member' })
        expect(JSON.parse(admin1.body)).toHaveProperty('secret')
        expect(admin2.body).toBe(admin1.body)
        expect(JSON.parse(member.body)).not.toHaveProperty('secret')
        expect(db.calls(`role:${item.id}:admin`)).toBe(1)
        expect(db.calls(`role:${item.id}:member`)).toBe(1)
      })

      it('shares a route declared public between callers', async () => {
        const first = await send('/public/p1', { Authorization: 'Bearer ann:admin' })
        const second = await send('/public/p1', { Authorization: 'Bearer cal:member' })
        expect(second.body).toBe(first.body)
        expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
        expect(db.calls('public:p1')).toBe(1)
      })

      it('gives public responses max-age, stale-while-revalidate and stale-if-error from the freshness options (RFC 5861)', async () => {
        const first = await send('/fresh/h1')
        expect(first.headers.get('cache-control')).toBe(
          'public, max-age=60, stale-while-revalidate=300, stale-if-error=3600',
        )
        const etag = first.headers.get('etag')!
        const notModified = await send('/fresh/h1', { 'If-None-Match': etag })
        expect(notModified.status).toBe(304)
        expect(notModified.headers.get('cache-control')).toBe(first.headers.get('cache-control'))
        // The time left, so that no cache keeps it fresh longer than Garner does.
        clock.advance(20_000)
        expect((await send('/fresh/h1')).headers.get('cache-control')).toBe(
          'public, max-age=40, stale-while-revalidate=300, stale-if-error=3600',
        )
        // Served stale while it refreshes: no freshness left, what is left of each window.
        clock.advance(100_000)
        const stale = await send('/fresh/h1')
        expect(stale.body).toBe(first.body)
        expect(stale.headers.get('cache-control')).toBe(
          'public, max-age=0, stale-while-revalidate=240, stale-if-error=3540',
        )
        expect(await eventually(async () => (await send('/fresh/h1')).body !== first.body)).toBe(
          true,
        )
        expect((await send('/fresh/h1')).headers.get('cache-control')).toBe(
          'public, max-age=60, stale-while-revalidate=300, stale-if-error=3600',
        )
        // Private routes keep their headers whatever their freshness options.
        expect((await send('/fresh-private/h1')).headers.get('cache-control')).toBe(
          'private, max-age=0, must-revalidate',
        )
      })

      it('answers the stale body, not a 5xx, while the database is down within stale-if-error', async () => {
        const first = await send('/fresh/down1')
        db.down = new Error('database down')
        try {
          clock.advance(60_000 + 300_000)
          const during = await send('/fresh/down1')
          expect(during.status).toBe(200)
          expect(during.body).toBe(first.body)
          expect(during.headers.get('etag')).toBe(first.headers.get('etag'))
          clock.advance(3_600_000)
          expect((await send('/fresh/down1')).status).toBe(500)
        } finally {
          db.down = undefined
        }
        expect((await send('/fresh/down1')).status).toBe(200)
      })

      it('ignores malformed, huge and repeated conditional headers: 200, never 500', async () => {
        const item = db.add()
        await send(`/items/${item.id}`)
        const cases: Record<string, string>[] = [
          { 'If-None-Match': 'garbage' },
          { 'If-None-Match': 'W/' },
          { 'If-None-Match': '"unterminated' },
          { 'If-None-Match': `${'"x", '.repeat(1_500)}"y"` },
          { 'If-Modified-Since': 'yesterday' },
          { 'If-Modified-Since': 'Sun, 31 Feb 2026 00:00:00 GMT' },
          { 'If-Modified-Since': 'x'.repeat(8_000) },
        ]
        for (const headers of cases)
          expect((await send(`/items/${item.id}`, headers)).status).toBe(200)
        expect(db.calls(`item:${item.id}`)).toBe(1)
      })

      it('answers not found when the loader returns undefined, and caches nothing', async () => {
        expect((await send('/items/missing')).status).toBe(404)
        expect((await send('/items/missing')).status).toBe(404)
        expect(db.calls('item:missing')).toBe(2)
      })

      it('sends a loader error down the framework error path and caches nothing', async () => {
        const failed = await send('/flaky/f1')
        expect(failed.status).toBe(500)
        expect(failed.body).not.toContain('the database hiccuped')
        const recovered = await send('/flaky/f1')
        expect(recovered.status).toBe(200)
        expect(JSON.parse(recovered.body)).toEqual({ id: 'f1', recovered: true })
        expect(db.calls('flaky:f1')).toBe(2)
      })

      it('busts caching on responses that set no Cache-Control, and leaves the others alone', async () => {
        const plain = await send('/plain')
        expect(plain.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate')
        expect(plain.headers.get('expires')).toBe('Fri, 01 Jan 1990 00:00:00 GMT')
        const own = await send('/plain-own')
        expect(own.headers.get('cache-control')).toBe('public, max-age=60')
        expect(own.headers.get('expires')).toBeNull()
      })

      describe('behind a shared cache (with a purger)', () => {
        let shared: HttpApp
        let purging: Garner
        const purged: string[][] = []

        beforeAll(async () => {
          purging = store.garner({
            purgers: [
              {
                name: 'recording',
                header: { name: 'Surrogate-Key', separator: ' ', maxLength: 16_384 },
                purge: async (keys) => {
                  purged.push([...keys])
                },
              },
            ],
          })
          shared = await mount(purging, testRoutes(db))
        })
        afterAll(async () => {
          await shared?.close()
        })

        const sendShared = async (path: string, headers: Record<string, string> = {}) => {
          const response = await fetch(`${shared.url}${path}`, { headers })
          await response.arrayBuffer()
          return response
        }

        it('sends public responses with s-maxage, their bindings as surrogate keys, and no Vary, on 200 and 304', async () => {
          const first = await sendShared('/public/s1')
          expect(first.headers.get('cache-control')).toMatch(
            /^public, max-age=0, must-revalidate, s-maxage=\d+$/,
          )
          expect(first.headers.get('surrogate-key')).toBe('Item:s1 Item:*')
          expect(first.headers.get('vary')).toBeNull()
          const notModified = await sendShared('/public/s1', {
            'If-None-Match': first.headers.get('etag')!,
          })
          expect(notModified.status).toBe(304)
          expect(notModified.headers.get('surrogate-key')).toBe('Item:s1 Item:*')
          expect(notModified.headers.get('cache-control')).toBe(first.headers.get('cache-control'))
        })

        it('keeps private responses out of shared caches: no surrogate keys, private Cache-Control', async () => {
          const item = db.add()
          const answer = await sendShared(`/items/${item.id}`)
          expect(answer.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate')
          expect(answer.headers.get('surrogate-key')).toBeNull()
          expect(answer.headers.get('vary')).toBe('Authorization, Cookie')
        })

        it('purges the keys an invalidation made stale', async () => {
          await purging.invalidate('Item', 's1')
          expect(purged.at(-1)).toEqual(['Item:s1', 'Item'])
        })
      })
    })
  }
}
