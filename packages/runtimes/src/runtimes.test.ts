// Garner on Bun, Deno and Cloudflare's workerd, each from its npm package: the core conformance
// suite on the in-process store (the same suite vitest runs on Node, through a runner-neutral
// harness and vitest's own expect), and a Hono app with cacheOr304 over real HTTP. A runtime that
// is not installed fails its checks with a message saying so; none is skipped.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { redisForTests, type TestRedis } from '@garner/fixtures'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app.js'
import { type Bundles, bundle } from './bundle.js'
import type { Report } from './harness.js'
import { conformance, type Runtime, serve } from './launch.js'

const RUNTIMES: readonly Runtime[] = ['bun', 'deno', 'workerd']
const dir = mkdtempSync(join(tmpdir(), 'garner-runtimes-'))
let bundles: Bundles
// The control: the same bundle on Node, so every runtime must pass exactly the tests Node passes.
let onNode: Report
let onNodeRedis: Report
let redis: TestRedis

beforeAll(async () => {
  bundles = await bundle(dir)
  redis = await redisForTests()
  onNode = await conformance('node', bundles)
  onNodeRedis = await conformance('node', bundles, redis.url)
}, 120_000)

afterAll(async () => {
  await redis?.release()
  rmSync(dir, { recursive: true, force: true })
})

describe('the bundled suite on Node (the control)', () => {
  it('passes every test of the core conformance suite, in process and on Redis', () => {
    expect(onNode.failed).toEqual([])
    expect(onNode.passed.length).toBeGreaterThanOrEqual(30)
    expect(onNodeRedis.failed).toEqual([])
    expect(onNodeRedis.passed.length).toBe(onNode.passed.length)
  })
})

// The ETag and body Node computes for the same value: every runtime must agree byte for byte.
async function expectedOnNode(path: string): Promise<{ etag: string | null; body: string }> {
  const response = await createApp('node').request(path)
  return { etag: response.headers.get('etag'), body: await response.text() }
}

for (const runtime of RUNTIMES) {
  describe(`Garner on ${runtime}`, () => {
    it('passes the core conformance suite on the in-process store', async () => {
      const report = await conformance(runtime, bundles)
      expect(report.runtime).toBe(runtime)
      expect(report.failed).toEqual([])
      expect(report.passed).toEqual(onNode.passed)
    }, 150_000)

    if (runtime !== 'workerd') {
      it('passes the core conformance suite on Redis through @keyv/redis', async () => {
        const report = await conformance(runtime, bundles, redis.url)
        expect(report.runtime).toBe(runtime)
        expect(report.failed).toEqual([])
        expect(report.passed).toEqual(onNodeRedis.passed)
      }, 150_000)
    }

    it('serves a Hono app with cacheOr304: 200, 304 without the loader, HEAD, hashed keys, invalidation', async () => {
      const app = await serve(runtime, bundles)
      try {
        const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
          fetch(`${app.url}${path}`, { method, headers })
        const stats = async (): Promise<{ runtime: string; loads: Record<string, number> }> =>
          (await get('/stats')).json() as never

        expect((await stats()).runtime).toBe(runtime)
        const first = await get('/items/1')
        expect(first.status).toBe(200)
        const body = await first.text()
        const node = await expectedOnNode('/items/1')
        // Same value, same ETag and bytes as on Node: the digests agree across runtimes.
        expect(first.headers.get('etag')).toBe(node.etag)
        expect(body).toBe(node.body)
        expect(first.headers.get('last-modified')).toMatch(/ GMT$/)
        const long = await get('/items/2')
        expect(long.headers.get('etag')).toBe((await expectedOnNode('/items/2')).etag)

        const revalidated = await get('/items/1', { 'If-None-Match': node.etag! })
        expect(revalidated.status).toBe(304)
        expect(await revalidated.text()).toBe('')
        expect(revalidated.headers.get('etag')).toBe(node.etag)

        const head = await get('/items/1', {}, 'HEAD')
        expect(head.status).toBe(200)
        expect(head.headers.get('content-length')).toBe(
          String(new TextEncoder().encode(body).length),
        )
        expect((await stats()).loads['item:1']).toBe(1)

        // A key past 200 characters is stored hashed: a hit, then a 304, on every runtime.
        const search = `/search?q=${'long'.repeat(80)}&page=2`
        const searched = await get(search)
        expect(searched.status).toBe(200)
        expect(searched.headers.get('etag')).toBe((await expectedOnNode(search)).etag)
        const searchedAgain = await get(search, { 'If-None-Match': searched.headers.get('etag')! })
        expect(searchedAgain.status).toBe(304)
        expect((await stats()).loads.search).toBe(1)

        const put = await fetch(`${app.url}/items/1`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'Gear', tags: [] }),
        })
        expect(put.status).toBe(200)
        const changed = await get('/items/1', { 'If-None-Match': node.etag! })
        expect(changed.status).toBe(200)
        expect(await changed.json()).toEqual({ id: '1', name: 'Gear', tags: [] })
        expect(changed.headers.get('etag')).not.toBe(node.etag)
        expect((await stats()).loads['item:1']).toBe(2)

        const busted = await get('/stats')
        expect(busted.headers.get('cache-control')).toBe('private, max-age=0, must-revalidate')
      } finally {
        await app.stop()
      }
    }, 60_000)
  })
}
