import { describe, expect, it } from 'vitest'
import { Emitter } from '../events.js'
import { memoryStore } from './memory-store.js'
import type { StoreDriver, TokenWriteOptions } from './store.js'
import { timedStore } from './timed-store.js'

describe('timedStore', () => {
  it('changes no capability and passes every argument through, durability included', async () => {
    const memory = memoryStore()
    const seen: (TokenWriteOptions | undefined)[] = []
    let closed = false
    const driver: StoreDriver = {
      kind: 'keyv',
      remote: true,
      guardsItself: true,
      confirmsReplication: true,
      read: (keys, tokenKeys, withBody) => memory.read(keys, tokenKeys, withBody),
      readBody: (keys, etag) => memory.readBody(keys, etag),
      write: (keys, record, ttl) => memory.write(keys, record, ttl),
      writeTokens: (tokens, ttl, options) => {
        seen.push(options)
        return memory.writeTokens(tokens, ttl)
      },
      close: async () => {
        closed = true
      },
    }
    const emitter = new Emitter()
    const events: unknown[] = []
    emitter.on('store', (event) => events.push(event))
    const timed = timedStore(driver, emitter)
    expect(timed.guardsItself).toBe(true)
    expect(timed.confirmsReplication).toBe(true)
    const durability: TokenWriteOptions = { durability: { replicas: 1, timeout: 100 } }
    await timed.writeTokens([['k', 't']], undefined, durability)
    expect(seen).toEqual([durability])
    expect(events).toHaveLength(1)
    await timed.close?.()
    expect(closed).toBe(true)
  })

  it('reports each call as a store event named by its operation, with its duration and any error', async () => {
    const memory = memoryStore()
    const failure = new Error('refused')
    const claims: [string, number][] = []
    const released: string[] = []
    const driver: StoreDriver = {
      kind: 'keyv',
      remote: true,
      read: (keys, tokenKeys, withBody) => memory.read(keys, tokenKeys, withBody),
      readBody: (keys, etag) => memory.readBody(keys, etag),
      write: (keys, record, ttl) => memory.write(keys, record, ttl),
      writeTokens: () => Promise.reject(failure),
      claim: async (key, ttl) => {
        claims.push([key, ttl])
        return true
      },
      release: async (key) => {
        released.push(key)
      },
      memoryStats: () => memory.memoryStats(),
    }
    const emitter = new Emitter()
    const events: { operation: string; duration: number; error?: unknown }[] = []
    emitter.on('store', (event) => events.push(event))
    const timed = timedStore(driver, emitter)
    const keys = { entry: 'e', body: 'b' }
    const before = performance.now()
    await timed.read(keys, [], true)
    await timed.readBody(keys, '"x"')
    await timed.write(
      keys,
      {
        tokens: [],
        etag: '"x"',
        lastModified: 0,
        size: 1,
        dates: [],
        freshUntil: 0,
        body: '1',
        value: 1,
      },
      undefined,
    )
    await expect(timed.writeTokens([['t', 'x']], undefined)).rejects.toBe(failure)
    expect(await timed.claim?.('k', 500)).toBe(true)
    await timed.release?.('k')
    const elapsed = performance.now() - before
    expect(claims).toEqual([['k', 500]])
    expect(released).toEqual(['k'])
    expect(events.map(({ operation, error }) => [operation, error])).toEqual([
      ['read', undefined],
      ['readBody', undefined],
      ['write', undefined],
      ['writeTokens', failure],
      ['write', undefined],
      ['write', undefined],
    ])
    for (const { duration } of events) {
      expect(duration).toBeGreaterThanOrEqual(0)
      expect(duration).toBeLessThanOrEqual(elapsed)
    }
    expect(timed.memoryStats?.()).toMatchObject({ entries: 1 })
  })

  it('adds no capability the store lacks', () => {
    const timed = timedStore(memoryStore(), new Emitter())
    expect('guardsItself' in timed).toBe(false)
    expect('confirmsReplication' in timed).toBe(false)
    expect(timed.claim).toBeUndefined()
    expect(timed.release).toBeUndefined()
  })
})
