import { describe, expect, it } from 'vitest'
import { memoryStore } from './memory-store.js'
import type { EntryRecord } from './store.js'

const record = (body: string): EntryRecord => ({
  tokens: [],
  etag: '"e"',
  lastModified: 0,
  size: body.length,
  dates: [],
  freshUntil: Number.POSITIVE_INFINITY,
  body,
  value: body,
})
const keys = (name: string) => ({ entry: name, body: `${name}:body` })

describe('memoryStore', () => {
  it('accounts for the bytes of a rewritten key once', async () => {
    const store = memoryStore()
    await store.write(keys('a'), record('x'.repeat(100)), undefined)
    const afterFirst = store.bytes
    await store.write(keys('a'), record('x'.repeat(300)), undefined)
    await store.write(keys('a'), record('x'.repeat(100)), undefined)
    expect(store.size).toBe(1)
    expect(store.bytes).toBe(afterFirst)
    await store.writeTokens([['t', 'one']], undefined)
    await store.writeTokens([['t', 'two']], undefined)
    expect(store.size).toBe(2)
    expect(store.readNow(keys('none'), ['t']).tokens).toEqual(['two'])
  })

  it('gives recently read entries a second chance, and evicts the others first', async () => {
    const store = memoryStore({ maxEntries: 3 })
    for (const name of ['a', 'b', 'c']) await store.write(keys(name), record(name), undefined)
    store.readNow(keys('a'), [])
    await store.write(keys('d'), record('d'), undefined)
    const present = ['a', 'b', 'c', 'd'].filter(
      (name) => store.readNow(keys(name), []).meta !== undefined,
    )
    expect(present).toEqual(['a', 'c', 'd'])
  })

  it('keeps a hot entry through many rounds of the clock hand, and stays within its bound', async () => {
    const store = memoryStore({ maxEntries: 100 })
    await store.write(keys('hot'), record('hot'), undefined)
    for (let round = 0; round < 50; round++) {
      for (let index = 0; index < 100; index++) {
        await store.write(keys(`r${round}-${index}`), record('v'), undefined)
        // Read now and then, never written again: only its second chances keep it.
        if (index % 10 === 0) expect(store.readNow(keys('hot'), []).meta).toBeDefined()
      }
      expect(store.size).toBeLessThanOrEqual(100)
    }
    expect(store.readNow(keys('hot'), []).meta).toBeDefined()
    // An entry written once and never read is long gone.
    expect(store.readNow(keys('r0-50'), []).meta).toBeUndefined()
  })

  it('drops a value larger than its byte bound without flushing the others', async () => {
    const store = memoryStore({ maxBytes: 10_000 })
    await store.write(keys('small'), record('s'), undefined)
    await store.write(keys('huge'), record('h'.repeat(20_000)), undefined)
    expect(store.readNow(keys('small'), []).meta).toBeDefined()
    expect(store.readNow(keys('huge'), []).meta).toBeUndefined()
  })
})
