// Two demo processes (as `pnpm demo` runs them) sharing one Redis and one database: a write
// through one is seen at once through the other, whose cache held the old value.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RedisServer, startRedisServer } from '@garner/fixtures'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, report, send, sendJson, startDemoProcess } from './harness.js'

describe('two demo processes sharing Redis', () => {
  let redis: RedisServer
  let directory: string
  let first: DemoProcess
  let second: DemoProcess

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'garner-two-'))
    redis = await startRedisServer()
    const env = { REDIS_URL: redis.url, DATABASE_URL: `file:${join(directory, 'shared.db')}` }
    // One after the other: the first creates and seeds the database.
    first = await startDemoProcess({ ...env, DEMO_FRAMEWORK: 'hono' })
    second = await startDemoProcess({ ...env, DEMO_FRAMEWORK: 'express' })
  })
  afterAll(async () => {
    await first?.stop()
    await second?.stop()
    await redis?.stop()
    await rm(directory, { recursive: true, force: true })
  })

  it('shows a write through one process at once through the other', async () => {
    let stale = 0
    const rounds = 40
    for (let round = 1; round <= rounds; round++) {
      const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first]
      // The reader caches the current value (and its ETag) ...
      const before = await send(reader.url, '/users/2', { headers: { Authorization: 'Bearer 1' } })
      expect(before.status).toBe(200)
      // ... the writer changes it ...
      const name = `Grace ${round}`
      expect((await sendJson(writer.url, 'PATCH', '/users/2', { name })).status).toBe(200)
      // ... and the reader's very next answer has the change, even for a client holding the old ETag.
      const after = await send(reader.url, '/users/2', {
        headers: { Authorization: 'Bearer 1', 'If-None-Match': before.headers.get('etag')! },
      })
      if (after.status !== 200 || JSON.parse(after.text).name !== name) stale += 1
      const list = await send(reader.url, '/users')
      if (!(JSON.parse(list.text) as { name: string }[]).some((user) => user.name === name))
        stale += 1
    }
    report('Two processes sharing Redis (hono + express)', {
      'write-then-read rounds': rounds,
      'stale reads': stale,
    })
    expect(stale).toBe(0)
  })
})
