// The core contract on a real Redis through @keyv/redis, plus what only a remote store can show:
// round trips counted by Redis itself, the server killed and restarted, a paused server, entries
// corrupted under Garner's keys, and an invalidation that could not reach the store.
import type KeyvRedis from '@keyv/redis'
import { createKeyv } from '@keyv/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGarner, type Garner, type GarnerEvents, type GarnerOptions } from './index.js'
import {
  commandCounts,
  counter,
  describeGarnerConformance,
  eventually,
  type RedisServer,
  redisTarget,
  sleep,
  startRedisServer,
} from './testing/index.js'

let namespaces = 0
const uniqueNamespace = (prefix: string) => `${prefix}-${process.pid}-${++namespaces}`

describeGarnerConformance('Redis through @keyv/redis', () => redisTarget.open())

describe('Redis store: round trips, faults and corruption', () => {
  let server: RedisServer
  const connections: ReturnType<typeof createKeyv>[] = []

  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    // Force: a connection that lived through a kill may still hold commands it will never send.
    for (const connection of connections)
      await (connection.store as KeyvRedis<string>).disconnect(true)
    await server.stop()
  })

  function garnerOnServer(options: Omit<GarnerOptions, 'store'> = {}): {
    garner: Garner
    errors: GarnerEvents['error'][]
  } {
    const keyv = createKeyv(server.url)
    connections.push(keyv)
    const garner = createGarner({
      storeTimeout: 300,
      namespace: uniqueNamespace('faults'),
      ...options,
      store: keyv,
    })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    return { garner, errors }
  }

  async function countCommands(action: () => Promise<unknown>): Promise<Record<string, number>> {
    await server.command('CONFIG', 'RESETSTAT')
    await action()
    const counts = await commandCounts(server)
    for (const name of Object.keys(counts)) {
      if (name.startsWith('config') || name === 'info') delete counts[name]
    }
    return counts
  }

  it('answers a hit with one MGET whatever the number of bindings', async () => {
    const { garner } = garnerOnServer()
    const bindings = [[], [['User', 1]], [['User', 1], 'Post', ['Comment', 9]]] as const
    for (const [index, bind] of bindings.entries()) {
      await garner.fetch(['hit', index], () => ({ index }), { bind })
      const counts = await countCommands(() =>
        garner.fetch(['hit', index], () => ({ index: -1 }), { bind }),
      )
      expect(counts).toEqual({ mget: 1 })
    }
  })

  it('records an invalidation in one transaction', async () => {
    const { garner } = garnerOnServer()
    expect(await countCommands(() => garner.invalidate('User', 1))).toEqual({
      multi: 1,
      set: 2,
      exec: 1,
    })
    expect(
      await countCommands(() => garner.invalidateMany([['User', 1], ['User', 2], 'Post'])),
    ).toEqual({
      multi: 1,
      set: 5,
      exec: 1,
    })
  })

  it('answers a 304 from one MGET that does not carry the cached body', async () => {
    const { garner } = garnerOnServer()
    const big = { big: 'x'.repeat(100_000) }
    const request = (ifNoneMatch?: string) => ({
      method: 'GET',
      path: '/big',
      query: '',
      header: (name: string) => (name === 'if-none-match' ? ifNoneMatch : undefined),
    })
    const first = await garner
      .identity({ request: request() })
      .bind(['User', 3])
      .respond(() => big)
    expect(first?.status).toBe(200)
    const etag = first!.headers.ETag!
    const outputBytes = async () => {
      const info = (await server.command('INFO', 'stats')) as string
      return Number(/total_net_output_bytes:(\d+)/.exec(info)![1])
    }
    let result: Awaited<ReturnType<typeof garner.fetch>> | undefined
    const before = await outputBytes()
    const counts = await countCommands(async () => {
      result = await garner
        .identity({ request: request(etag) })
        .bind(['User', 3])
        .respond(() => ({ never: true }))
    })
    const sent = (await outputBytes()) - before
    expect((result as { status: number }).status).toBe(304)
    expect(counts).toEqual({ mget: 1 })
    // Redis sent a few kilobytes (INFO replies and the metadata), not the 100 kB body.
    expect(sent).toBeLessThan(20_000)
  })

  it('keeps answering from the loader while Redis is down, and resumes caching when it is back', async () => {
    const { garner, errors } = garnerOnServer()
    const loader = counter(() => ({ served: true }))
    await garner.fetch('outage', loader, { bind: ['Row', 1] })
    await garner.fetch('outage', loader, { bind: ['Row', 1] })
    expect(loader.calls).toBe(1)

    await server.kill()
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await garner.fetch('outage', loader, { bind: ['Row', 1] })).toEqual({ served: true })
    }
    expect(loader.calls).toBe(6)
    expect(errors.length).toBeGreaterThan(0)
    expect(
      errors.every((event) =>
        ['GARNER_STORE_TIMEOUT', 'GARNER_STORE_ERROR'].includes(event.error.code),
      ),
    ).toBe(true)

    await server.restart()
    const resumed = await eventually(async () => {
      const before = loader.calls
      await garner.fetch('outage', loader, { bind: ['Row', 1] })
      await garner.fetch('outage', loader, { bind: ['Row', 1] })
      return loader.calls === before + 1 || loader.calls === before
    }, 15_000)
    expect(resumed).toBe(true)
    const before = loader.calls
    await garner.fetch('outage', loader, { bind: ['Row', 1] })
    expect(loader.calls).toBe(before)
  })

  it('answers within the store timeout when Redis stops answering', async () => {
    const { garner, errors } = garnerOnServer({ storeTimeout: 200 })
    await garner.fetch('paused', () => 'cached')
    await server.command('CLIENT', 'PAUSE', '3000', 'ALL')
    try {
      const started = Date.now()
      expect(await garner.fetch('paused-miss', () => 'from loader')).toBe('from loader')
      expect(await garner.fetch('paused', () => 'from loader')).toBe('from loader')
      // Well before the pause ends: the store timeout, not Redis, decided.
      expect(Date.now() - started).toBeLessThan(2_500)
      expect(errors.some((event) => event.error.code === 'GARNER_STORE_TIMEOUT')).toBe(true)
    } finally {
      await server.command('CLIENT', 'UNPAUSE')
    }
  })

  it('treats garbage, wrong shapes and other formats under its keys as misses, reports them, and heals', async () => {
    const { garner, errors } = garnerOnServer()
    const identity = garner.key('corrupt').bind(['Row', 1])
    const { key, tokenKeys } = identity.describe()
    const bodyKey = key.replace(':e:', ':b:')
    // [key, raw command, reported as corrupt]
    const corruptions: [string, (string | number)[], boolean][] = [
      [key, ['SET', key, '\u0000\u00ff not json at all'], true],
      [key, ['SET', key, '{"v":1,"t":"nope"}'], true],
      [key, ['SET', key, '{"v":0,"t":[],"e":"\\"x\\"","m":0,"n":0,"d":[],"x":0}'], true],
      [key, ['SET', key, '42'], true],
      [key, ['DEL', key], false],
      [bodyKey, ['SET', bodyKey, '"wrong-etag"\n{"stale":true}'], false],
      [bodyKey, ['SET', bodyKey, 'no newline at all'], true],
      [tokenKeys[0]!, ['SET', tokenKeys[0]!, '\u0000garbage'], false],
    ]
    for (const [index, [, command, reported]] of corruptions.entries()) {
      await identity.fetch(() => ({ round: index }))
      await server.command(...command)
      errors.length = 0
      const loader = counter(() => ({ round: index, healed: true }))
      expect(await identity.fetch(loader)).toEqual({ round: index, healed: true })
      expect(loader.calls).toBe(1)
      expect(errors.map((event) => event.error.code).includes('GARNER_CORRUPT_ENTRY')).toBe(
        reported,
      )
      // The next fetch is a hit again: the bad data was overwritten.
      const next = counter(() => ({ never: true }))
      expect(await identity.fetch(next)).toEqual({ round: index, healed: true })
      expect(next.calls).toBe(0)
    }
    // A key of another Redis type under the entry's name reads as absent and is overwritten.
    await server.command('DEL', key)
    await server.command('HSET', key, 'field', 'value')
    const loader = counter(() => ({ typed: true }))
    expect(await identity.fetch(loader)).toEqual({ typed: true })
    expect(await identity.fetch(loader)).toEqual({ typed: true })
    expect(loader.calls).toBe(1)
  })

  it('sees a write through one instance at once through another sharing the same Redis', async () => {
    const namespace = uniqueNamespace('shared')
    const first = garnerOnServer({ namespace }).garner
    const second = garnerOnServer({ namespace }).garner
    const database = { name: 'before' }
    const load = () => ({ ...database })
    await first.fetch('user', load, { bind: ['User', 1] })
    expect(await second.fetch('user', load, { bind: ['User', 1] })).toEqual({ name: 'before' })
    database.name = 'after'
    await first.invalidate('User', 1)
    expect(await second.fetch('user', load, { bind: ['User', 1] })).toEqual({ name: 'after' })
  })

  it('holds back an invalidation the store could not take, and never serves what it invalidated', async () => {
    const { garner, errors } = garnerOnServer({ storeTimeout: 200 })
    const database = { version: 1 }
    const load = counter(() => ({ version: database.version }))
    await garner.fetch('held', load, { bind: ['Row', 7] })
    database.version = 2
    // Writes stall, so the invalidation times out; then the connection carrying it is killed, so
    // it never lands. Redis keeps the old entry and the old tokens.
    await server.command('CLIENT', 'PAUSE', '5000', 'WRITE')
    try {
      await garner.invalidate('Row', 7)
      expect(errors.some((event) => event.operation === 'invalidate')).toBe(true)
      await server.command('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
    } finally {
      await server.command('CLIENT', 'UNPAUSE')
    }
    // Still unreachable or not, this instance never serves version 1 again.
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await garner.fetch('held', load, { bind: ['Row', 7] })).toEqual({ version: 2 })
      await sleep(100)
    }
    // Once the store is back, the held invalidation lands and caching resumes.
    const cachedAgain = await eventually(async () => {
      const before = load.calls
      await garner.fetch('held', load, { bind: ['Row', 7] })
      return load.calls === before
    }, 15_000)
    expect(cachedAgain).toBe(true)
    expect(await garner.fetch('held', load, { bind: ['Row', 7] })).toEqual({ version: 2 })
  })

  it('does not hand a load that started before an invalidation to a fetch after it, even with the store down', async () => {
    const { garner } = garnerOnServer({ storeTimeout: 200 })
    await server.kill()
    try {
      const database = { version: 1 }
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const early = garner.fetch('down-race', async () => {
        const seen = database.version
        await gate
        return seen
      })
      await sleep(400)
      database.version = 2
      await garner.invalidate('Row', 1)
      const late = garner.fetch('down-race', () => database.version)
      release()
      expect(await early).toBe(1)
      expect(await late).toBe(2)
    } finally {
      await server.restart()
    }
  })
})
