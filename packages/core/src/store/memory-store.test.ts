import { afterEach, describe, expect, it, vi } from 'vitest'
import { createGarner } from '../garner.js'
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, memoryStore } from './memory-store.js'
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

  it('gives recently read tokens a second chance, and none to tokens only written', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.writeTokens([['a', 'ta']], undefined)
    await store.writeTokens([['b', 'tb']], undefined)
    store.readNow(keys('none'), ['a'])
    await store.writeTokens([['c', 'tc']], undefined)
    expect(store.readNow(keys('none'), ['a', 'b', 'c']).tokens).toEqual(['ta', undefined, 'tc'])
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

  it('keeps working and caching after its clock hand has wrapped past the end many times', async () => {
    const store = memoryStore({ maxEntries: 5 })
    const garner = createGarner({ store })
    let loads = 0
    const loader = (): number => ++loads
    for (let index = 0; index < 200; index++) await garner.fetch(['k', index], loader)
    expect(loads).toBe(200)
    expect(store.size).toBeLessThanOrEqual(5)
    // Still caching: a fresh key is loaded once, then answered from the store.
    await garner.fetch('last', loader)
    await garner.fetch('last', loader)
    expect(loads).toBe(201)
    // And bound values are still invalidated.
    await garner.fetch('bound', loader, { bind: ['W', 1] })
    await garner.invalidate('W', 1)
    await garner.fetch('bound', loader, { bind: ['W', 1] })
    expect(loads).toBe(203)
  })

  it('estimates bytes from key and body lengths, and gives them back on eviction and clear', async () => {
    const store = memoryStore({ maxEntries: 2 })
    expect(store.bytes).toBe(0)
    await store.write(keys('ab'), record('xyz'), undefined)
    // 96 bytes of slot overhead, 2 per key character (UTF-16), 4 per body character.
    expect(store.bytes).toBe(96 + 2 * 2 + 4 * 3)
    await store.writeTokens([['tk', 'tok']], undefined)
    expect(store.bytes).toBe(96 + 2 * 2 + 4 * 3 + 96 + 2 * (2 + 3))
    await store.write(keys('c'), record(''), undefined)
    expect(store.size).toBe(2)
    expect(store.bytes).toBe(96 + 2 * (2 + 3) + 96 + 2 * 1)
    store.clear()
    expect(store.size).toBe(0)
    expect(store.bytes).toBe(0)
    await store.write(keys('d'), record('d'), undefined)
    expect(store.size).toBe(1)
    expect(store.readNow(keys('d'), []).meta).toBeDefined()
  })

  it('evicts by bytes as well as by count', async () => {
    const one = 96 + 2 * 1 + 4 * 10
    const store = memoryStore({ maxBytes: 3 * one })
    for (const name of ['a', 'b', 'c'])
      await store.write(keys(name), record('x'.repeat(10)), undefined)
    expect(store.size).toBe(3)
    expect(store.bytes).toBe(3 * one)
    await store.write(keys('d'), record('x'.repeat(10)), undefined)
    expect(store.size).toBe(3)
    expect(store.bytes).toBe(3 * one)
    expect(store.readNow(keys('a'), []).meta).toBeUndefined()
    expect(store.readNow(keys('d'), []).meta).toBeDefined()
  })

  it('keeps a value exactly as large as its byte bound, and drops a rewrite that outgrows it', async () => {
    const size = 96 + 2 * 1 + 4 * 10
    const store = memoryStore({ maxBytes: size })
    await store.write(keys('a'), record('x'.repeat(10)), undefined)
    expect(store.readNow(keys('a'), []).meta).toBeDefined()
    expect(store.bytes).toBe(size)
    await store.write(keys('a'), record('x'.repeat(11)), undefined)
    expect(store.readNow(keys('a'), []).meta).toBeUndefined()
    expect(store.size).toBe(0)
    expect(store.bytes).toBe(0)
  })

  it('admits every new write, even once the hand has passed the newest slot', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.write(keys('a'), record('x'), undefined)
    await store.write(keys('b'), record('x'), undefined)
    store.readNow(keys('a'), [])
    store.readNow(keys('b'), [])
    for (const name of ['c', 'd', 'e', 'f']) {
      await store.write(keys(name), record('x'), undefined)
      expect(store.readNow(keys(name), []).meta, name).toBeDefined()
      expect(store.size).toBe(2)
    }
  })

  it('evicts recently read entries too once every slot has had its second chance', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.write(keys('a'), record('x'), undefined)
    await store.write(keys('b'), record('x'), undefined)
    store.readNow(keys('a'), [])
    store.readNow(keys('b'), [])
    await store.write(keys('c'), record('x'), undefined)
    await store.write(keys('d'), record('x'), undefined)
    expect(store.size).toBe(2)
    // The hand cleared both marks while passing: a read once is evicted at its next turn.
    expect(store.readNow(keys('a'), []).meta).toBeUndefined()
    expect(store.readNow(keys('d'), []).meta).toBeDefined()
  })

  it('reads a body only for the etag it belongs to', async () => {
    const store = memoryStore()
    await store.write(keys('a'), record('body'), undefined)
    expect(await store.readBody(keys('a'), '"e"')).toBe('body')
    expect(await store.readBody(keys('a'), '"other"')).toBeUndefined()
    expect(await store.readBody(keys('none'), '"e"')).toBeUndefined()
    // The synchronous reads include the body unless told otherwise.
    expect(store.readNow(keys('a'), []).body).toBe('body')
    expect(store.readAt(keys('a'), [], Date.now()).body).toBe('body')
    expect(store.readNow(keys('a'), [], false).body).toBeUndefined()
    const read = await store.read(keys('a'), ['t'], true)
    expect(read).toMatchObject({ body: 'body', value: 'body', hasValue: true, tokens: [undefined] })
    expect(await store.read(keys('none'), [], true)).toMatchObject({
      meta: undefined,
      body: undefined,
      hasValue: false,
      tokens: [],
    })
  })

  describe('time to live', () => {
    afterEach(() => {
      vi.useRealTimers()
    })

    it('expires entries and tokens at their ttl, and gives their bytes back', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(1_000_000)
      const store = memoryStore()
      await store.write(keys('a'), record('x'), 1_000)
      await store.writeTokens([['t', 'one']], 1_000)
      await store.write(keys('b'), record('y'), undefined)
      vi.setSystemTime(1_000_999)
      expect(store.readNow(keys('a'), ['t'])).toMatchObject({ tokens: ['one'] })
      expect(store.readNow(keys('a'), []).meta).toBeDefined()
      vi.setSystemTime(1_001_000)
      expect(store.readNow(keys('a'), ['t'])).toMatchObject({
        meta: undefined,
        body: undefined,
        hasValue: false,
        tokens: [undefined],
      })
      expect(await store.readBody(keys('a'), '"e"')).toBeUndefined()
      expect(store.size).toBe(1)
      expect(store.bytes).toBe(96 + 2 + 4)
      vi.setSystemTime(9_000_000_000_000)
      expect(store.readNow(keys('b'), []).meta).toBeDefined()
    })
  })

  it('has documented defaults and refuses bounds that are not positive integers', () => {
    const store = memoryStore()
    expect(store.maxEntries).toBe(DEFAULT_MAX_ENTRIES)
    expect(store.maxBytes).toBe(DEFAULT_MAX_BYTES)
    expect(DEFAULT_MAX_ENTRIES).toBe(10_000)
    expect(DEFAULT_MAX_BYTES).toBe(64 * 1024 * 1024)
    expect(store.kind).toBe('memory')
    expect(store.remote).toBe(false)
    expect(memoryStore({ maxEntries: 1, maxBytes: 1 }).maxEntries).toBe(1)
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => memoryStore({ maxEntries: bad })).toThrow(
        `Garner: memoryStore maxEntries must be a positive integer; got ${bad}.`,
      )
      expect(() => memoryStore({ maxBytes: bad })).toThrow(TypeError)
    }
  })
})
