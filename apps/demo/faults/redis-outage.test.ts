// Redis killed with SIGKILL in the middle of a load of concurrent reads and writes, then
// restarted: cached routes keep answering from the database (no 5xx), /kv answers 503, and once
// Redis is back caching resumes by itself.
import { describe, expect, it } from 'vitest'
import { FRAMEWORKS } from '../src/apps/index.js'
import {
  demoPerSuite,
  report,
  StatusCounts,
  send,
  sendJson,
  startLoad,
  startTestDemo,
  wait,
} from './harness.js'

describe.each(FRAMEWORKS)('Redis killed under load (%s)', (framework) => {
  const target = demoPerSuite(() => startTestDemo(framework, 'redis'))

  it('keeps cached routes up, answers /kv with 503, and resumes caching after the restart', async () => {
    const { url, redis, demo } = target()
    const cached = new StatusCounts()
    const writes = new StatusCounts()
    const kv = new StatusCounts()
    await sendJson(url, 'PUT', '/kv/outage', 'before')
    const etags = new Map<string, string>()
    for (const path of ['/users', '/users/1', '/users/2/posts', '/posts/1']) {
      etags.set(path, (await send(url, path)).headers.get('etag')!)
    }

    let phase: 'before' | 'down' | 'after' = 'before'
    const kvDuringOutage = new StatusCounts()
    const kvAfterRestart = new StatusCounts()
    let writeCounter = 0
    // Six clients, each looping over reads (some with If-None-Match), writes and /kv.
    const load = startLoad(6, async (client, step) => {
      const path = ['/users', '/users/1', '/users/2/posts', '/posts/1'][(client + step) % 4]!
      const conditional: Record<string, string> =
        step % 2 === 0 ? { 'If-None-Match': etags.get(path)! } : {}
      cached.add((await send(url, path, { headers: conditional })).status)
      if (step % 5 === 0) {
        writeCounter += 1
        writes.add(
          (await sendJson(url, 'PATCH', '/users/3', { name: `Linus ${writeCounter}` })).status,
        )
      }
      if (step % 3 === 0) {
        const status = (await send(url, '/kv/outage')).status
        kv.add(status)
        if (phase === 'down') kvDuringOutage.add(status)
        if (phase === 'after') kvAfterRestart.add(status)
      }
    })

    await wait(700)
    phase = 'down'
    await redis!.kill()
    await wait(1_500)
    const hitsBeforeRestart = demo.stats.hits
    await redis!.restart()
    const restartedAt = performance.now()
    phase = 'after'

    // Recovered when /kv answers again and the cache serves hits again.
    let kvBackMs = -1
    let hitsBackMs = -1
    while (performance.now() - restartedAt < 15_000 && (kvBackMs < 0 || hitsBackMs < 0)) {
      if (kvBackMs < 0 && (await sendJson(url, 'PUT', '/kv/outage', 'after')).status === 200) {
        kvBackMs = performance.now() - restartedAt
      }
      if (hitsBackMs < 0 && demo.stats.hits > hitsBeforeRestart + 20)
        hitsBackMs = performance.now() - restartedAt
      await wait(25)
    }
    await load.stop()

    report(`Redis SIGKILL under load (${framework})`, {
      'requests sent': cached.total + writes.total + kv.total,
      'cached reads (status: count)': cached.toString(),
      'writes (status: count)': writes.toString(),
      '/kv (status: count)': kv.toString(),
      '/kv while Redis was down': kvDuringOutage.toString(),
      '/kv after the restart': kvAfterRestart.toString(),
      'store errors reported': demo.stats.storeErrors,
      'time to /kv back after restart': `${kvBackMs.toFixed(0)} ms`,
      'time to cache hits back after restart': `${hitsBackMs.toFixed(0)} ms`,
    })
    expect(cached.count((status) => status >= 500 || status === 0)).toBe(0)
    expect(cached.count((status) => status === 200 || status === 304)).toBe(cached.total)
    expect(writes.count((status) => status !== 200)).toBe(0)
    expect(kvDuringOutage.count((status) => status === 503)).toBeGreaterThan(0)
    // Redis restarts empty (no persistence): the key reads 404 until it is written again.
    expect(kv.count((status) => ![200, 404, 503].includes(status))).toBe(0)
    expect(kv.count((status) => status === 404)).toBe(
      kvAfterRestart.count((status) => status === 404),
    )
    expect(kvBackMs).toBeGreaterThanOrEqual(0)
    expect(hitsBackMs).toBeGreaterThanOrEqual(0)
    expect(demo.stats.storeErrors).toBeGreaterThan(0)
    // Nothing stale after the outage: the last write shows.
    expect(JSON.parse((await send(url, '/users/3')).text)).toMatchObject({
      name: `Linus ${writeCounter}`,
    })
  })
})
