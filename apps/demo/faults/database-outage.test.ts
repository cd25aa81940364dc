// The database taken down under load through the demo's fault switch (PUT /admin/database):
// GET /feed, which has staleIfError, keeps answering from the cache with no 5xx; its loader is
// tried at the pace of the loader backoff, not once per request; and once the database is back,
// the next attempt brings fresh data.
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

// Short windows, so that the feed goes stale and past stale-while-revalidate during the outage.
const FEED = { ttl: 300, staleWhileRevalidate: 300, staleIfError: 60_000, loaderTimeout: 1_000 }
const BACKOFF = { min: 200, max: 1_600 }
const OUTAGE_MS = 3_000

/**
 * The most loader attempts the backoff allows in `duration` ms of failures: one at the start,
 * one after each wait (min, doubling up to max), and one more for an attempt already under way
 * when the outage began.
 */
function attemptsAllowed(duration: number): number {
  let attempts = 1
  let elapsed = 0
  let delay = BACKOFF.min
  while (elapsed + delay <= duration) {
    elapsed += delay
    attempts += 1
    delay = Math.min(BACKOFF.max, delay * 2)
  }
  return attempts + 1
}

describe.each(FRAMEWORKS)('Database down under load (%s)', (framework) => {
  const target = demoPerSuite(() =>
    startTestDemo(framework, 'memory', { feed: FEED, loaderBackoff: BACKOFF, faultRoutes: true }),
  )

  it('answers GET /feed with no 5xx, bounds loader calls by the backoff, and is fresh again after one refresh', async () => {
    const { url, demo } = target()
    const faults = demo.database.faults
    const first = await send(url, '/feed')
    expect(first.status).toBe(200)
    // Public, with the feed's windows (300 ms rounds down to 0 s; an hour of stale-if-error).
    expect(first.headers.get('cache-control')).toMatch(
      /^public, max-age=0, stale-if-error=(59|60)$/,
    )

    const statuses = new StatusCounts()
    const load = startLoad(6, async () => {
      statuses.add((await send(url, '/feed')).status)
    })

    await wait(500)
    expect((await sendJson(url, 'PUT', '/admin/database', { down: true })).json).toMatchObject({
      down: true,
    })
    const downAt = performance.now()
    const requestsBefore = statuses.total
    await wait(OUTAGE_MS)

    // Back up: count what the outage cost, then watch for the first successful load.
    let loads = 0
    const stopLoads = demo.garner.on('load', ({ key }) => {
      if (key.includes('/feed')) loads += 1
    })
    expect(await sendJson(url, 'PUT', '/admin/database', { down: false })).toMatchObject({
      status: 200,
    })
    const outageMs = performance.now() - downAt
    const refused = faults.refused
    const requestsDuring = statuses.total - requestsBefore
    const upAt = performance.now()
    while (loads === 0 && performance.now() - upAt < 15_000) await wait(20)
    const freshAfterMs = performance.now() - upAt
    stopLoads()
    await wait(300)
    await load.stop()

    // A write after the outage shows at once: the binding guarantee holds through it all.
    const changed = await sendJson(url, 'PATCH', '/posts/1', { title: 'After the outage' })
    expect(changed.status).toBe(200)
    const after = await send(url, '/feed')
    expect(after.status).toBe(200)
    expect(after.json).toContainEqual(expect.objectContaining({ id: 1, title: 'After the outage' }))

    report(`Database down for ${Math.round(outageMs)} ms under load (${framework})`, {
      'GET /feed answers': statuses.toString(),
      'requests during the outage': requestsDuring,
      'loader attempts during the outage': refused,
      'attempts the backoff allows': attemptsAllowed(outageMs),
      'first fresh load after recovery (ms)': Math.round(freshAfterMs),
      'attempts after recovery before it': faults.refused - refused,
      'stale hits / loader errors reported': `${demo.stats.staleHits} / ${demo.stats.loaderErrors}`,
    })
    expect(statuses.count((status) => status !== 200)).toBe(0)
    expect(demo.stats.staleHits).toBeGreaterThan(refused)
    expect(demo.stats.loaderErrors).toBeGreaterThanOrEqual(1)
    expect(requestsDuring).toBeGreaterThan(refused)
    expect(refused).toBeGreaterThanOrEqual(1)
    expect(refused).toBeLessThanOrEqual(attemptsAllowed(outageMs))
    // Fresh data came back with one successful load, and no failed attempt after recovery.
    expect(loads).toBeGreaterThanOrEqual(1)
    expect(faults.refused).toBe(refused)
  })

  it('serves the fault switch only when DEMO_FAULTS is on, and refuses bad changes', async () => {
    const { url } = target()
    expect((await send(url, '/admin/database')).json).toMatchObject({ down: false })
    expect((await sendJson(url, 'PUT', '/admin/database', { down: 'yes' })).status).toBe(400)
    expect((await sendJson(url, 'PUT', '/admin/database', { delayMs: -1 })).status).toBe(400)
    const plain = await startTestDemo(framework, 'memory')
    try {
      expect((await sendJson(plain.url, 'PUT', '/admin/database', { down: true })).status).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
