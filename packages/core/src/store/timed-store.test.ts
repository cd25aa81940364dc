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
})
