// What public and private responses tell shared caches: Cache-Control, Vary, surrogate keys; and
// ETags that tell the variants of one URL apart whatever the ETag strategy.
import { describe, expect, it } from 'vitest'
import { createGarner, type GarnerOptions } from '../garner.js'
import type { RequestInfo } from '../keys/strategies/key-strategy.js'
import type { Purger } from './purger.js'

const varnish: Purger = {
  name: 'varnish',
  header: { name: 'xkey', separator: ' ', maxLength: 8_000 },
  purge: async () => {},
}
const cloudflare: Purger = {
  name: 'cloudflare',
  header: { name: 'Cache-Tag', separator: ',', maxLength: 16_000 },
  purge: async () => {},
}

function request(path: string, headers: Record<string, string> = {}): RequestInfo {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return { method: 'GET', path, query: '', header: (name) => lower[name.toLowerCase()] }
}

function identity(options: GarnerOptions, path: string, headers?: Record<string, string>) {
  const garner = createGarner(options)
  return { garner, at: () => garner.identity({ request: request(path, headers) }) }
}

describe('public responses behind a shared cache', () => {
  it('carry s-maxage, no Vary, and their bindings as surrogate keys in each purger header', async () => {
    const { at } = identity({ purgers: [varnish, cloudflare] }, '/users/42')
    const result = await at()
      .options({ public: true })
      .bind(['User', 42])
      .bind('Post')
      .respond(() => ({ id: 42 }))
    expect(result!.headers['Cache-Control']).toBe(
      'public, max-age=0, must-revalidate, s-maxage=86400',
    )
    expect(result!.headers.Vary).toBeUndefined()
    expect(result!.headers.xkey).toBe('User:42 User:* Post')
    expect(result!.headers['Cache-Tag']).toBe('User:42,User:*,Post')
  })

  it('carry the same headers on 304s and HEADs', async () => {
    const garner = createGarner({ purgers: [varnish] })
    const route = (req: RequestInfo) =>
      garner
        .identity({ request: req })
        .options({ public: true })
        .bind(['User', 1])
        .respond(() => ({ a: 1 }))
    const first = await route(request('/u/1'))
    const notModified = await route(request('/u/1', { 'If-None-Match': first!.headers.ETag! }))
    const head = await route({ ...request('/u/1'), method: 'HEAD' })
    expect(notModified!.status).toBe(304)
    for (const answer of [notModified!, head!]) {
      expect(answer.headers.xkey).toBe('User:1 User:*')
      expect(answer.headers['Cache-Control']).toBe(first!.headers['Cache-Control'])
    }
  })

  it('never let a shared cache keep them longer than the entry TTL, or at all without keys that fit', async () => {
    const { at } = identity({ purgers: [varnish], ttl: 30_500 }, '/x')
    const short = await at()
      .options({ public: true })
      .bind('User')
      .respond(() => 1)
    expect(short!.headers['Cache-Control']).toBe('public, max-age=30, s-maxage=31, must-revalidate')
    const tiny: Purger = { ...varnish, header: { ...varnish.header, maxLength: 5 } }
    const unfit = await identity({ purgers: [tiny] }, '/y')
      .at()
      .options({ public: true })
      .bind(['LongModelName', 1])
      .respond(() => 1)
    expect(unfit!.headers.xkey).toBeUndefined()
    expect(unfit!.headers['Cache-Control']).toBe('public, max-age=0, must-revalidate')
  })

  it('combine s-maxage with the freshness directives: max-age, s-maxage, stale windows, never past the fresh time', async () => {
    let now = 1_000_000
    const garner = createGarner({ purgers: [varnish], clock: () => now })
    const route = () =>
      garner
        .identity({ request: request('/f') })
        .options({
          public: true,
          ttl: 60_000,
          staleWhileRevalidate: 300_000,
          staleIfError: 3_600_000,
        })
        .bind('User')
        .respond(() => ({ at: now }))
    expect((await route())!.headers['Cache-Control']).toBe(
      'public, max-age=60, s-maxage=60, stale-while-revalidate=300, stale-if-error=3600',
    )
    now += 20_000
    expect((await route())!.headers['Cache-Control']).toBe(
      'public, max-age=40, s-maxage=40, stale-while-revalidate=300, stale-if-error=3600',
    )
    // Answered stale: nothing left for a shared cache to keep fresh.
    now += 100_000
    expect((await route())!.headers['Cache-Control']).toBe(
      'public, max-age=0, stale-while-revalidate=240, stale-if-error=3540',
    )
  })

  it('without purgers: no s-maxage unless sharedMaxAge is set, no surrogate keys', async () => {
    const plain = await identity({}, '/p')
      .at()
      .options({ public: true })
      .bind('User')
      .respond(() => 1)
    expect(plain!.headers['Cache-Control']).toBe('public, max-age=0, must-revalidate')
    expect(Object.keys(plain!.headers)).not.toContain('xkey')
    const set = await identity({ sharedMaxAge: 60_000 }, '/p')
      .at()
      .options({ public: true })
      .respond(() => 1)
    expect(set!.headers['Cache-Control']).toBe('public, max-age=0, must-revalidate, s-maxage=60')
    const route = await identity({ purgers: [varnish] }, '/p')
      .at()
      .options({ public: true })
      .respond(() => 1, { sharedMaxAge: 5_000, vary: 'Accept-Language' })
    expect(route!.headers['Cache-Control']).toBe('public, max-age=0, must-revalidate, s-maxage=5')
    expect(route!.headers.Vary).toBe('Accept-Language')
  })
})

describe('private responses', () => {
  it('stay uncacheable by shared caches and carry no surrogate keys', async () => {
    const { at } = identity({ purgers: [varnish] }, '/me', { Authorization: 'Bearer 1' })
    const result = await at()
      .varyBy(1)
      .bind(['User', 1])
      .respond(() => ({ id: 1 }))
    expect(result!.headers['Cache-Control']).toBe('private, max-age=0, must-revalidate')
    expect(result!.headers.Vary).toBe('Authorization, Cookie')
    expect(result!.headers.xkey).toBeUndefined()
  })
})

describe('ETags of entries that vary by caller', () => {
  // A per-row version: the same for every representation of the row, as many apps do.
  const rowVersion: GarnerOptions['etag'] = ({ value }) =>
    `v${(value as { version: number }).version}`
  const row = { id: 2, version: 7, name: 'Grace', email: 'grace@example.com' }
  const view = (role: string) =>
    role === 'admin' ? row : { id: row.id, version: row.version, name: row.name }

  it('differ between varyBy variants of one URL, even when the strategy gives both the same tag', async () => {
    const garner = createGarner({ etag: rowVersion })
    const answer = (role: string, headers: Record<string, string> = {}) =>
      garner
        .identity({ request: request('/users/2', { Authorization: `Bearer ${role}`, ...headers }) })
        .varyBy(role)
        .bind(['User', 2])
        .respond(() => view(role))
    const admin = await answer('admin')
    const member = await answer('member')
    expect(admin!.headers.ETag).not.toBe(member!.headers.ETag)
    // The browser sends the admin's tag on the member's request: the member gets its own body.
    const crossed = await answer('member', { 'If-None-Match': admin!.headers.ETag! })
    expect(crossed!.status).toBe(200)
    expect(JSON.parse(crossed!.body!)).not.toHaveProperty('email')
    // Each variant still validates its own copy.
    expect((await answer('admin', { 'If-None-Match': admin!.headers.ETag! }))!.status).toBe(304)
  })

  it('differ between the per-credential partitions of one URL', async () => {
    const garner = createGarner({ etag: rowVersion })
    const answer = (token: string, headers: Record<string, string> = {}) =>
      garner
        .identity({ request: request('/doc', { Authorization: token, ...headers }) })
        .respond(() => ({ version: 1, owner: token }))
    const ann = await answer('Bearer ann')
    const bob = await answer('Bearer bob')
    expect(ann!.headers.ETag).not.toBe(bob!.headers.ETag)
    expect((await answer('Bearer bob', { 'If-None-Match': ann!.headers.ETag! }))!.status).toBe(200)
  })

  it('differ between variants a caller-identifying key strategy makes', async () => {
    const garner = createGarner({
      etag: rowVersion,
      keyStrategies: [
        { name: 'path', apply: (key, ctx) => ({ ...key, path: ctx.request?.path ?? null }) },
        {
          name: 'role',
          identifiesCaller: true,
          apply: (key, ctx) => ({ ...key, role: String(ctx.role) }),
        },
      ],
    })
    const answer = (role: string) =>
      garner.identity({ request: request('/users/2'), role }).respond(() => view(role))
    expect((await answer('admin'))!.headers.ETag).not.toBe((await answer('member'))!.headers.ETag)
  })

  it('stay the strategy tag for public and anonymous entries', async () => {
    const garner = createGarner({ etag: rowVersion })
    const pub = await garner
      .identity({ request: request('/users/2', { Authorization: 'Bearer x' }) })
      .options({ public: true })
      .respond(() => row)
    const anonymous = await garner.identity({ request: request('/users/3') }).respond(() => row)
    expect(pub!.headers.ETag).toBe('"v7"')
    expect(anonymous!.headers.ETag).toBe('"v7"')
  })
})
