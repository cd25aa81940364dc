import { createGarner, type GarnerEvents } from '@garner/core'
import { afterEach, describe, expect, it } from 'vitest'
import { cloudflarePurger } from './index.js'
import {
  cloudflareCheck,
  type DocumentedApi,
  startDocumentedApi,
} from './testing/documented-api.js'

let api: DocumentedApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function cloudflare(maxTags = 100): Promise<DocumentedApi> {
  api = await startDocumentedApi('cloudflare', cloudflareCheck('zone9', 'tok-cf', maxTags))
  return api
}

const options = (endpoint: string) => ({
  zoneId: 'zone9',
  token: 'tok-cf',
  endpoint: `${endpoint}/client/v4`,
})

describe('cloudflarePurger', () => {
  it('names Cache-Tag, comma-separated, within 16 KB', () => {
    expect(cloudflarePurger({ zoneId: 'z', token: 't' }).header).toEqual({
      name: 'Cache-Tag',
      separator: ',',
      maxLength: 16_000,
    })
  })

  it("purges a model-wide invalidation with one request shaped as Cloudflare's purge_cache API documents", async () => {
    const server = await cloudflare()
    const garner = createGarner({ purgers: [cloudflarePurger(options(server.url))] })
    await garner.invalidate('User')
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]!.problems).toEqual([])
    expect(server.requests[0]!.keys).toEqual(['User', 'User:*'])
  })

  it('splits tags into requests of at most 100, or of maxTagsPerRequest', async () => {
    const server = await cloudflare()
    const garner = createGarner({ purgers: [cloudflarePurger(options(server.url))] })
    await garner.invalidateMany(Array.from({ length: 250 }, (_, id) => ['Post', id] as const))
    expect(server.requests.map((request) => request.keys.length)).toEqual([100, 100, 51])
    expect(server.requests.every((request) => request.problems.length === 0)).toBe(true)
    await server.close()
    const enterprise = await cloudflare(500)
    await cloudflarePurger({ ...options(enterprise.url), maxTagsPerRequest: 500 }).purge(
      Array.from({ length: 700 }, (_, i) => `T:${i}`),
    )
    expect(enterprise.requests.map((request) => request.keys.length)).toEqual([500, 200])
  })

  it('waits for Retry-After after a 429, then retries and succeeds', async () => {
    const server = await cloudflare()
    server.script({
      status: 429,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
      body: '{"success":false,"errors":[{"code":10000,"message":"rate limited"}]}',
    })
    const garner = createGarner({
      purgeTimeout: 5_000,
      purgers: [cloudflarePurger(options(server.url))],
    })
    await garner.invalidate('Post', 3)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990)
    expect(server.requests[1]!.keys).toEqual(['Post:3', 'Post'])
  })

  it('treats a 200 with success: false as a failure, reported and retried', async () => {
    const server = await cloudflare()
    server.script({
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"success":false,"errors":[{"code":1134,"message":"purge quota"}]}',
    })
    const garner = createGarner({
      purgeTimeout: 5_000,
      purgers: [cloudflarePurger(options(server.url))],
    })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    await garner.invalidate('Post', 3)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.error.message).toContain('purge quota')
    expect(server.requests).toHaveLength(2)
  })

  it('refuses missing options with a TypeError', () => {
    expect(() => cloudflarePurger({ zoneId: 'z', token: '' })).toThrow(/token/)
    expect(() => cloudflarePurger({ zoneId: 'z', token: 't', maxTagsPerRequest: 0 })).toThrow(
      /maxTagsPerRequest/,
    )
  })
})
