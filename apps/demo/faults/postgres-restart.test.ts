// PostgreSQL crashed (pg_ctl stop -m immediate) in the middle of a load of concurrent reads and
// writes, then started again: requests that need the database answer a clear 503 (never a 500 or a
// dropped connection), cached reads keep answering, nothing a failed query produced is cached,
// and once PostgreSQL is back the demo recovers by itself and shows what the database holds.
import { describe, expect, it } from 'vitest'
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

describe.each([
  ['hono', 'memory'],
  ['express', 'redis'],
] as const)('PostgreSQL restarted under load (%s, %s store)', (framework, store) => {
  const target = demoPerSuite(() => startTestDemo(framework, store, { database: 'postgresql' }))

  it('answers 503 while it is down, caches nothing from failed queries, and recovers by itself', async () => {
    const { url, postgres } = target()
    const reads = new StatusCounts()
    const writes = new StatusCounts()
    const readsWhileDown = new StatusCounts()
    const writesWhileDown = new StatusCounts()
    let phase: 'before' | 'down' | 'after' = 'before'
    let written = 0
    const paths = ['/users', '/users/1', '/users/2/posts', '/posts/1', '/posts/3']

    // Six clients, each looping over reads (half conditional) and a write every fourth step.
    const etags = new Map<string, string>()
    const load = startLoad(6, async (client, step) => {
      const path = paths[(client + step) % paths.length]!
      const held = etags.get(path)
      const answer = await send(url, path, {
        headers: step % 2 === 0 && held !== undefined ? { 'If-None-Match': held } : {},
      })
      reads.add(answer.status)
      if (phase === 'down') readsWhileDown.add(answer.status)
      if (answer.status === 200) etags.set(path, answer.headers.get('etag')!)
      if (step % 4 === 0) {
        const version = ++written
        const answer = await sendJson(url, 'PATCH', '/users/3', { name: `Linus v${version}` })
        writes.add(answer.status)
        if (phase === 'down') writesWhileDown.add(answer.status)
      }
    })

    await wait(700)
    // Cached, then made stale by a write just before the crash (no client asks for it meanwhile):
    // while PostgreSQL is down it must be loaded again, and that fails.
    expect((await send(url, '/users/1/posts')).status).toBe(200)
    const renamed = await sendJson(url, 'PATCH', '/users/1', { name: 'Ada (before the crash)' })
    expect(renamed.status).toBe(200)
    phase = 'down'
    await postgres!.kill()
    // Never requested before: its loader can only fail while the database is down.
    const neverCached = await send(url, '/posts/2')
    const invalidated = await send(url, '/users/1/posts')
    await wait(1_500)
    await postgres!.restart()
    const restartedAt = performance.now()
    phase = 'after'

    // Recovered when a write and a read that needs the database both succeed again.
    let recoveredMs = -1
    while (performance.now() - restartedAt < 15_000) {
      const write = await sendJson(url, 'PATCH', '/users/1', { name: 'Ada (after the restart)' })
      const read = await send(url, '/users/1')
      if (write.status === 200 && read.status === 200) {
        recoveredMs = performance.now() - restartedAt
        break
      }
      await wait(25)
    }
    await wait(300)
    await load.stop()

    report(`PostgreSQL crash and restart under load (${framework}, ${store} store)`, {
      'requests sent': reads.total + writes.total,
      'reads (status: count)': reads.toString(),
      'writes (status: count)': writes.toString(),
      'reads while PostgreSQL was down': readsWhileDown.toString(),
      'writes while PostgreSQL was down': writesWhileDown.toString(),
      'time to recovery after the restart': `${recoveredMs.toFixed(0)} ms`,
    })

    // Clear answers only: 200/304, or 503 with Retry-After; no 500, no dropped connection.
    expect(reads.count((status) => ![200, 304, 503].includes(status))).toBe(0)
    expect(writes.count((status) => ![200, 503].includes(status))).toBe(0)
    expect(neverCached.status).toBe(503)
    expect(neverCached.headers.get('retry-after')).toBe('1')
    expect(JSON.parse(neverCached.text)).toEqual({
      error: 'The database is unavailable; retry in a moment.',
    })
    expect(invalidated.status).toBe(503)
    expect(writesWhileDown.count((status) => status === 503)).toBeGreaterThan(0)
    // Cached reads kept answering while it was down.
    expect(readsWhileDown.count((status) => status === 200 || status === 304)).toBeGreaterThan(0)
    expect(recoveredMs).toBeGreaterThanOrEqual(0)

    // Nothing from the failed loads was cached: after recovery they answer the database's rows.
    const post = await send(url, '/posts/2')
    expect(post.status).toBe(200)
    expect(JSON.parse(post.text)).toMatchObject({ id: 2, title: 'On Bernoulli numbers' })
    const users = JSON.parse((await send(url, '/users')).text) as { id: number; name: string }[]
    const rows = await postgres!.query<{ id: number; name: string }>(
      'SELECT "id", "name" FROM "User" ORDER BY "id"',
    )
    expect(users.map(({ id, name }) => ({ id, name }))).toEqual(rows)
    expect(rows[0]!.name).toBe('Ada (after the restart)')
    expect((await send(url, '/users/1/posts')).status).toBe(200)
    // The last write to Linus that PostgreSQL kept is what the API shows.
    expect(JSON.parse((await send(url, '/users/3')).text)).toMatchObject({ name: rows[2]!.name })
  })
})
