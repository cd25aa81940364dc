import { createGarner, type GarnerEvents } from '@garner/core'
import { afterEach, describe, expect, it } from 'vitest'
import { fastlyPurger } from './index.js'
import { type DocumentedApi, fastlyCheck, startDocumentedApi } from './testing/documented-api.js'

let api: DocumentedApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function fastly(): Promise<DocumentedApi> {
  api = await startDocumentedApi('fastly', fastlyCheck('svc123', 'tok-fastly'))
  return api
}

describe('fastlyPurger', () => {
  it('names Surrogate-Key, space-separated, within 16,384 bytes', () => {
    expect(fastlyPurger({ serviceId: 's', token: 't' }).header).toEqual({
      name: 'Surrogate-Key',
      separator: ' ',
      maxLength: 16_384,
    })
  })

  it("purges what invalidate() made stale with one request shaped as Fastly's batch purge API documents", async () => {
    const server = await fastly()
    const garner = createGarner({
      purgers: [fastlyPurger({ serviceId: 'svc123', token: 'tok-fastly', endpoint: server.url })],
    })
    await garner.invalidate('User', 42)
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request!.problems).toEqual([])
    expect(request!.keys).toEqual(['User:42', 'User'])
    expect(request!.headers['fastly-soft-purge']).toBeUndefined()
  })

  it('splits a large invalidation into batches of at most 256 keys', async () => {
    const server = await fastly()
    const garner = createGarner({
      purgers: [fastlyPurger({ serviceId: 'svc123', token: 'tok-fastly', endpoint: server.url })],
    })
    await garner.invalidateMany(Array.from({ length: 600 }, (_, id) => ['Post', id] as const))
    expect(server.requests.map((request) => request.keys.length)).toEqual([256, 256, 89])
    expect(server.requests.every((request) => request.problems.length === 0)).toBe(true)
    expect(new Set(server.requests.flatMap((request) => request.keys)).size).toBe(601)
  })

  it('waits for Retry-After after a 429, then retries and succeeds', async () => {
    const server = await fastly()
    server.script({ status: 429, headers: { 'Retry-After': '1' }, body: '{"msg":"rate limited"}' })
    const garner = createGarner({
      purgeTimeout: 5_000,
      purgers: [fastlyPurger({ serviceId: 'svc123', token: 'tok-fastly', endpoint: server.url })],
    })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    await garner.invalidate('User', 1)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990)
    expect(server.requests[1]!.keys).toEqual(['User:1', 'User'])
    expect(errors.map((event) => event.error.code)).toEqual(['GARNER_PURGE_FAILED'])
    expect(errors[0]!.error.message).toContain('429')
  })

  it('reports a refused token on the error event and never fails the write', async () => {
    const server = await fastly()
    const garner = createGarner({
      purgeTimeout: 300,
      purgers: [fastlyPurger({ serviceId: 'svc123', token: 'wrong', endpoint: server.url })],
    })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    await expect(garner.invalidate('User', 1)).resolves.toBeUndefined()
    expect(server.requests[0]!.problems).toContain('Fastly-Key missing or wrong')
    expect(errors.some((event) => event.error.message.includes('answered 400'))).toBe(true)
  })

  it('sends Fastly-Soft-Purge: 1 when soft', async () => {
    const server = await fastly()
    await fastlyPurger({
      serviceId: 'svc123',
      token: 'tok-fastly',
      endpoint: server.url,
      soft: true,
    }).purge(['a'])
    expect(server.requests[0]!.headers['fastly-soft-purge']).toBe('1')
  })

  it('refuses missing options with a TypeError', () => {
    expect(() => fastlyPurger({ serviceId: '', token: 't' })).toThrow(/serviceId/)
    expect(() => fastlyPurger({ serviceId: 's' } as never)).toThrow(/token/)
  })
})
