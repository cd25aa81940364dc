// The demo on a real six-node Redis Cluster (REDIS_CLUSTER), with a master SIGKILLed while six
// clients read cached routes (some conditionally) and write: no cached read answers 5xx, the last
// write is what a read returns, and caching resumes by itself once the replica is promoted.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RedisCluster, startRedisCluster } from '@garner/fixtures'
import { eventually } from '@garner/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Demo, startDemo } from '../src/server.js'
import { StatusCounts, send, sendJson, wait } from './harness.js'

describe('demo on a Redis Cluster, a master killed under load', () => {
  let cluster: RedisCluster
  let demo: Demo
  let directory: string

  beforeAll(async () => {
    cluster = await startRedisCluster()
    directory = await mkdtemp(join(tmpdir(), 'garner-demo-cluster-'))
    demo = await startDemo({
      port: 0,
      host: '127.0.0.1',
      framework: 'hono',
      redisUrl: undefined,
      redisCluster: cluster.urls,
      database: { kind: 'sqlite', file: join(directory, 'demo.db') },
      kvTtlSeconds: 300,
    })
  })
  afterAll(async () => {
    await demo?.close()
    await cluster?.stop()
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })

  it('answers every cached read, shows the last write, and caches again after the failover', async () => {
    const { url } = demo
    const paths = ['/users', '/users/1', '/users/2/posts', '/posts/1']
    expect((await send(url, '/health')).json).toMatchObject({ store: 'redis' })
    const etags = new Map<string, string>()
    for (const path of paths) etags.set(path, (await send(url, path)).headers.get('etag')!)

    const cached = new StatusCounts()
    const writes = new StatusCounts()
    let running = true
    let written = 0
    const clients = Array.from({ length: 6 }, async (_, client) => {
      for (let step = 1; running; step++) {
        const path = paths[(client + step) % paths.length]!
        const headers: Record<string, string> =
          step % 2 === 0 ? { 'If-None-Match': etags.get(path)! } : {}
        cached.add((await send(url, path, { headers })).status)
        if (step % 5 === 0) {
          written += 1
          const name = `Linus ${written}`
          writes.add((await sendJson(url, 'PATCH', '/users/3', { name })).status)
        }
      }
    })

    await wait(500)
    const slot = 0
    const master = await cluster.masterOf(slot)
    await cluster.kill(master)
    await cluster.waitForFailover(slot, master)
    await wait(1_000)
    running = false
    await Promise.all(clients)

    expect(cached.count((status) => status >= 500 || status === 0)).toBe(0)
    expect(cached.count((status) => status === 200 || status === 304)).toBe(cached.total)
    expect(writes.count((status) => status !== 200)).toBe(0)

    // The last write is visible.
    const last = await sendJson(url, 'PATCH', '/users/3', { name: 'Linus last' })
    expect(last.status).toBe(200)
    expect(((await send(url, '/users/3')).json as { name: string }).name).toBe('Linus last')

    // The dead process comes back (as a supervisor would restart it) as the new master's replica;
    // caching resumes without restarting the demo: a read is answered from the cache again.
    await cluster.restart(master)
    const resumed = await eventually(async () => {
      const before = demo.stats.hits
      for (const path of paths) await send(url, path)
      return demo.stats.hits >= before + paths.length
    }, 20_000)
    expect(resumed).toBe(true)
  })
})
