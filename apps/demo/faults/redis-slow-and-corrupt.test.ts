// A Redis that stops answering (CLIENT PAUSE) and a Redis whose Garner entries were overwritten
// with garbage: requests still complete, within the store timeout plus the loader's time, and
// nothing crashes.
import { DEFAULT_STORE_TIMEOUT } from '@garner/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { report, StatusCounts, send, startTestDemo, type TestDemo, wait } from './harness.js'

describe('a slow and a corrupted Redis', () => {
  let target: TestDemo

  beforeAll(async () => {
    target = await startTestDemo('hono', 'redis')
  })
  afterAll(async () => {
    await target?.close()
  })

  it('answers every request within the store timeout plus the loader time while Redis is paused', async () => {
    const { url, redis } = target
    const paths = ['/users', '/users/1', '/users/2', '/users/1/posts', '/posts/1', '/posts/2']
    // The loader's own time: the same requests with the cache emptied of them (misses).
    await redis!.command('FLUSHALL')
    let loaderMs = 0
    for (const path of paths) loaderMs = Math.max(loaderMs, (await send(url, path)).ms)
    for (const path of paths) await send(url, path)

    const pauseMs = 4_000
    await redis!.command('CLIENT', 'PAUSE', String(pauseMs), 'ALL')
    const pausedAt = performance.now()
    const statuses = new StatusCounts()
    let slowest = 0
    try {
      // Four clients for two seconds, well inside the pause.
      await Promise.all(
        Array.from({ length: 4 }, async (_, client) => {
          let step = client
          while (performance.now() - pausedAt < 2_000) {
            const answer = await send(url, paths[step++ % paths.length]!)
            statuses.add(answer.status)
            slowest = Math.max(slowest, answer.ms)
          }
        }),
      )
    } finally {
      await redis!.command('CLIENT', 'UNPAUSE')
    }
    const bound = DEFAULT_STORE_TIMEOUT + loaderMs
    report('Redis paused (CLIENT PAUSE ALL, 4 s)', {
      'requests while paused': statuses.total,
      statuses: statuses.toString(),
      'store timeout': `${DEFAULT_STORE_TIMEOUT} ms`,
      'slowest loader (uncached request)': `${loaderMs.toFixed(0)} ms`,
      'slowest request while paused': `${slowest.toFixed(0)} ms`,
    })
    expect(statuses.count((status) => status !== 200)).toBe(0)
    // A generous margin for a busy 2-core machine, and still far below the 4 s pause: the store
    // timeout and the circuit breaker decided, not Redis.
    expect(slowest).toBeLessThan(bound + 500)
    expect(slowest).toBeLessThan(pauseMs / 2)
  })

  it('treats garbage, wrong shapes and old formats under its keys as misses, reports them, and keeps serving', async () => {
    const { url, redis, demo } = target
    await wait(200)
    const paths = ['/users', '/users/1', '/users/2/posts', '/posts/1']
    const expected = new Map<string, string>()
    for (const path of paths) expected.set(path, (await send(url, path)).text)
    const keys = ((await redis!.command('KEYS', 'garner:*')) as string[]).sort()
    const corruptions = [
      '\u0000\u00ff\u00fe garbage',
      '{"v":1}',
      '{"v":0,"t":[],"e":"\\"x\\"","m":0,"n":0,"d":[],"x":0}',
      '[]',
      '"',
    ]
    keys.forEach((key, index) => {
      void redis!.command('SET', key, corruptions[index % corruptions.length]!)
    })
    await redis!.command('PING')
    const errorsBefore = demo.stats.storeErrors
    const statuses = new StatusCounts()
    for (let round = 0; round < 3; round++) {
      for (const path of paths) {
        const answer = await send(url, path)
        statuses.add(answer.status)
        expect(answer.text).toBe(expected.get(path))
      }
    }
    report('Entries corrupted in Redis', {
      'Garner keys overwritten': keys.length,
      'requests after': statuses.total,
      statuses: statuses.toString(),
      'errors reported (GARNER_CORRUPT_ENTRY)': demo.stats.storeErrors - errorsBefore,
    })
    expect(keys.length).toBeGreaterThan(5)
    expect(statuses.count((status) => status !== 200)).toBe(0)
    expect(demo.stats.storeErrors).toBeGreaterThan(errorsBefore)
    expect((await send(url, '/health')).status).toBe(200)
  })
})
