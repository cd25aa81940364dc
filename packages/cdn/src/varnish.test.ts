import { createGarner } from '@garner/core'
import { afterEach, describe, expect, it } from 'vitest'
import { varnishPurger } from './index.js'
import { parseRetryAfter } from './purge-request.js'
import { type DocumentedApi, startDocumentedApi, varnishCheck } from './testing/documented-api.js'

let api: DocumentedApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

describe('varnishPurger', () => {
  it('names xkey, space-separated', () => {
    expect(varnishPurger({ url: 'http://127.0.0.1:6081' }).header).toEqual({
      name: 'xkey',
      separator: ' ',
      maxLength: 7_000,
    })
  })

  it('sends PURGE with the keys in xkey-purge, as the documented VCL reads them', async () => {
    api = await startDocumentedApi('varnish', varnishCheck())
    const garner = createGarner({
      purgers: [varnishPurger({ url: api.url, headers: { 'X-Purge-Token': 's3' } })],
    })
    await garner.invalidate('User', 42)
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]!.problems).toEqual([])
    expect(api.requests[0]!.keys).toEqual(['User:42', 'User'])
    expect(api.requests[0]!.headers['x-purge-token']).toBe('s3')
  })

  it('splits keys over several PURGE requests when one header would be too long', async () => {
    api = await startDocumentedApi('varnish', varnishCheck(1_000))
    const keys = Array.from({ length: 300 }, (_, i) => `Post:${i}`)
    await varnishPurger({ url: api.url, maxHeaderLength: 1_000 }).purge(keys)
    expect(api.requests.length).toBeGreaterThan(1)
    expect(api.requests.every((request) => request.problems.length === 0)).toBe(true)
    expect(api.requests.flatMap((request) => request.keys)).toEqual(keys)
  })

  it('uses xkey-softpurge when soft', async () => {
    api = await startDocumentedApi('varnish', () => ({ keys: [], problems: [] }))
    await varnishPurger({ url: api.url, soft: true }).purge(['a', 'b'])
    expect(api.requests[0]!.headers['xkey-softpurge']).toBe('a b')
    expect(api.requests[0]!.headers['xkey-purge']).toBeUndefined()
  })

  it('rejects with the status when Varnish refuses, and with status 0 when it is down', async () => {
    api = await startDocumentedApi('varnish', varnishCheck())
    api.script({ status: 403, body: 'Forbidden' })
    await expect(varnishPurger({ url: api.url }).purge(['a'])).rejects.toMatchObject({
      status: 403,
    })
    const url = api.url
    await api.close()
    api = undefined
    await expect(varnishPurger({ url, timeout: 1_000 }).purge(['a'])).rejects.toMatchObject({
      status: 0,
    })
  })
})

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, in milliseconds', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0)
    expect(parseRetryAfter('3', now)).toBe(3_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})
