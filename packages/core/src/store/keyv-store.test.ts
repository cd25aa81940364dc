import { Keyv } from 'keyv'
import { describe, expect, it, vi } from 'vitest'
import { GarnerError } from '../errors.js'
import { createGarner } from '../garner.js'
import { encodeBody, encodeMeta } from './entry-codec.js'
import {
  decodeRead,
  isKeyvLike,
  type KeyvStorageAdapter,
  KeyvStoreDriver,
  redisClientOf,
} from './keyv-store.js'
import type { EntryRecord } from './store.js'

const keys = { entry: 'g:e:k', body: 'g:b:k' }
const record: EntryRecord = {
  tokens: ['t1'],
  etag: '"abc"',
  lastModified: 1_000,
  size: 2,
  dates: [],
  freshUntil: Number.POSITIVE_INFINITY,
  body: '42',
  value: 42,
}

/** A storage adapter over a Map that counts its calls, with or without the batch calls. */
function adapter(batched: boolean): KeyvStorageAdapter & {
  map: Map<string, unknown>
  calls: string[]
} {
  const map = new Map<string, unknown>()
  const calls: string[] = []
  const base = {
    map,
    calls,
    get(key: string) {
      calls.push(`get ${key}`)
      return map.get(key)
    },
    set(key: string, value: string, ttl?: number) {
      calls.push(`set ${key}${ttl === undefined ? '' : ` ${ttl}`}`)
      map.set(key, value)
    },
  }
  if (!batched) return base
  return {
    ...base,
    async getMany(list: string[]) {
      calls.push(`getMany ${list.join(' ')}`)
      return list.map((key) => map.get(key))
    },
    async setMany(entries: { key: string; value: string; ttl?: number }[]) {
      calls.push(`setMany ${entries.map((entry) => `${entry.key}${entry.ttl ?? ''}`).join(' ')}`)
      for (const entry of entries) map.set(entry.key, entry.value)
    },
  }
}

describe('KeyvStoreDriver', () => {
  it('is a remote store labelled keyv', () => {
    const driver = new KeyvStoreDriver({ store: adapter(false) })
    expect(driver.kind).toBe('keyv')
    expect(driver.remote).toBe(true)
  })

  it('writes and reads in one batch call each when the adapter has them', async () => {
    const store = adapter(true)
    const driver = new KeyvStoreDriver({ store, namespace: 'ns' })
    await driver.write(keys, record, 5_000)
    await driver.writeTokens([['g:t:a', 'tok']], 9_000)
    const read = await driver.read(keys, ['g:t:a', 'g:t:b'], true)
    expect(read).toMatchObject({
      meta: { tokens: ['t1'], etag: '"abc"', lastModified: 1_000, size: 2, dates: [] },
      body: '42',
      hasValue: false,
      tokens: ['tok', undefined],
      corrupt: undefined,
    })
    expect(store.calls).toEqual([
      'setMany ns:g:e:k5000 ns:g:b:k5000',
      'setMany ns:g:t:a9000',
      'getMany ns:g:e:k ns:g:b:k ns:g:t:a ns:g:t:b',
    ])
    const withoutBody = await driver.read(keys, ['g:t:a'], false)
    expect(withoutBody.body).toBeUndefined()
    expect(withoutBody.tokens).toEqual(['tok'])
    expect(store.calls.at(-1)).toBe('getMany ns:g:e:k ns:g:t:a')
  })

  it('falls back to one call per key, and leaves the prefix out when asked', async () => {
    const store = adapter(false)
    const driver = new KeyvStoreDriver({ store, namespace: 'ns', useKeyPrefix: false })
    await driver.write(keys, record, undefined)
    await driver.writeTokens([['g:t:a', 'tok']], undefined)
    expect(await driver.readBody(keys, '"abc"')).toBe('42')
    expect(await driver.readBody(keys, '"other"')).toBeUndefined()
    const read = await driver.read(keys, ['g:t:a'], true)
    expect(read.body).toBe('42')
    expect(store.calls).toEqual([
      'set g:e:k',
      'set g:b:k',
      'set g:t:a',
      'get g:b:k',
      'get g:b:k',
      'get g:e:k',
      'get g:b:k',
      'get g:t:a',
    ])
    await expect(
      new KeyvStoreDriver({ store: adapter(false) }).read(keys, [], false),
    ).resolves.toEqual(expect.objectContaining({ meta: undefined }))
  })

  it('stores the expiry with the metadata, and reads an expired entry as absent', async () => {
    const store = adapter(false)
    const driver = new KeyvStoreDriver({ store })
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(10_000)
      await driver.write(keys, record, 1_000)
      expect(JSON.parse(store.map.get('g:e:k') as string).x).toBe(11_000)
      vi.setSystemTime(10_999)
      expect((await driver.read(keys, [], true)).meta).toBeDefined()
      vi.setSystemTime(11_000)
      expect((await driver.read(keys, [], true)).meta).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
    await driver.write(keys, record, undefined)
    expect(JSON.parse(store.map.get('g:e:k') as string).x).toBe(0)
  })

  it('reads corrupt metadata and tokens as absent, flagging them', async () => {
    const store = adapter(true)
    const driver = new KeyvStoreDriver({ store })
    store.map.set('g:e:k', 'garbage')
    store.map.set('g:t:a', 42)
    const read = await driver.read(keys, ['g:t:a'], true)
    expect(read.meta).toBeUndefined()
    expect(read.body).toBeUndefined()
    expect(read.tokens).toEqual([undefined])
    expect(read.corrupt).toBeInstanceOf(GarnerError)
    expect(read.corrupt).toMatchObject({ code: 'GARNER_CORRUPT_ENTRY' })
    expect(read.corrupt?.message).toBe(
      'Garner found a generation token under g:t:a that is not text; it was replaced, which ' +
        'invalidates what was bound to it.',
    )

    store.map.set('g:t:a', 'tok')
    store.map.set('g:e:k', encodeMeta(record, 0))
    store.map.set('g:b:k', 'no etag line')
    const bad = await driver.read(keys, ['g:t:a'], true)
    expect(bad.meta).toBeUndefined()
    expect(bad.corrupt?.message).toContain('a body without its ETag under g:b:k')
    expect(bad.tokens).toEqual(['tok'])

    store.map.set('g:b:k', encodeBody('"abc"', '42'))
    store.map.set('g:t:a', null)
    const good = await driver.read(keys, ['g:t:a'], true)
    expect(good).toMatchObject({ body: '42', tokens: [undefined], corrupt: undefined })
  })

  it("fails a call during which Keyv reported an error, with Keyv's error", async () => {
    const keyv = new Keyv()
    const driver = new KeyvStoreDriver(keyv)
    const failure = new Error('connection lost')
    const store = keyv.store as Map<string, unknown>
    const get = store.get.bind(store)
    store.get = (key: string) => {
      keyv.emit('error', failure)
      return get(key)
    }
    await expect(driver.readBody(keys, '"abc"')).rejects.toBe(failure)
    store.get = get
    expect(await driver.readBody(keys, '"abc"')).toBeUndefined()
  })
})

describe('KeyvStoreDriver on a shared Keyv', () => {
  it("adds one error listener per Keyv however many Garners use it, and each still sees Keyv's errors", async () => {
    const keyv = new Keyv()
    const before = keyv.listeners('error').length
    const garners = Array.from({ length: 12 }, () => createGarner({ store: keyv }))
    expect(keyv.listeners('error').length).toBe(before + 1)
    const failure = new Error('connection lost')
    const store = keyv.store as Map<string, unknown>
    const get = store.get.bind(store)
    store.get = (key: string) => {
      keyv.emit('error', failure)
      return get(key)
    }
    const errors: unknown[] = []
    for (const garner of garners.slice(0, 2)) {
      garner.on('error', (event) => errors.push(event.error.cause))
      expect(await garner.fetch('k', () => 'from the loader')).toBe('from the loader')
    }
    expect(errors).toEqual([failure, failure])
  })
})

describe('isKeyvLike', () => {
  it('recognizes an object whose store has get and set', () => {
    expect(isKeyvLike(new Keyv())).toBe(true)
    expect(isKeyvLike({ store: { get() {}, set() {} } })).toBe(true)
    expect(isKeyvLike({ store: { get() {} } })).toBe(false)
    expect(isKeyvLike({ store: { set() {} } })).toBe(false)
    expect(isKeyvLike({ store: null })).toBe(false)
    expect(isKeyvLike({ store: 'x' })).toBe(false)
    expect(isKeyvLike({})).toBe(false)
    expect(isKeyvLike(null)).toBe(false)
    expect(isKeyvLike('keyv')).toBe(false)
    expect(isKeyvLike(Object.assign(() => {}, { store: { get() {}, set() {} } }))).toBe(false)
  })
})

describe('KeyvStoreDriver: absent and expired entries', () => {
  it.each([
    ['absent (undefined)', undefined],
    ['absent (null, as Redis answers)', null],
    ['expired', encodeMeta(record, 1)],
  ])('reads an entry that is %s as a clean miss, with or without its body', (_, raw) => {
    const miss = {
      meta: undefined,
      body: undefined,
      hasValue: false,
      tokens: ['tok'],
      corrupt: undefined,
      expires: 0,
    }
    const body = encodeBody('"abc"', '42')
    expect(decodeRead([raw, body, 'tok'], keys, ['g:t:a'], true)).toEqual(miss)
    expect(decodeRead([raw, 'tok'], keys, ['g:t:a'], false)).toEqual(miss)
  })

  it('returns the expiry the metadata carries', () => {
    const expires = Date.now() + 60_000
    const read = decodeRead(
      [encodeMeta(record, expires), encodeBody('"abc"', '42')],
      keys,
      [],
      true,
    )
    expect(read).toMatchObject({ body: '42', expires, corrupt: undefined })
  })
})

/** The node-redis client under a stand-in for `@keyv/redis`'s adapter, recording its calls. */
function redisClient(waitReply: unknown = 1) {
  const data = new Map<string, string>()
  const calls: unknown[][] = []
  return {
    data,
    calls,
    async set(key: string, value: string, options?: { condition?: 'NX' }) {
      calls.push(['set', key, value, options])
      if (options?.condition === 'NX' && data.has(key)) return null
      data.set(key, value)
      return 'OK'
    },
    async del(key: string) {
      calls.push(['del', key])
      return data.delete(key) ? 1 : 0
    },
    async sendCommand(args: string[]) {
      calls.push(['sendCommand', args])
      return waitReply
    },
  }
}

/** `@keyv/redis`'s adapter on a single Redis: getClient(), createKeyPrefix(), isCluster(). */
function keyvRedisAdapter(client = redisClient(), overrides: Record<string, unknown> = {}) {
  const store = adapter(false)
  return Object.assign(store, {
    client,
    namespace: 'ns',
    getClient: async () => client,
    createKeyPrefix: (key: string, namespace?: string) =>
      namespace === undefined ? key : `${namespace}::${key}`,
    isCluster: () => false,
    ...overrides,
  })
}

describe('KeyvStoreDriver on @keyv/redis', () => {
  it('claims a refresh with SET NX PX (at least 1 ms) and releases it with DEL', async () => {
    const client = redisClient()
    const driver = new KeyvStoreDriver({ store: keyvRedisAdapter(client), namespace: 'app' })
    expect(await driver.claim!('g:r:k', 1_500.2)).toBe(true)
    expect(await driver.claim!('g:r:k', 0)).toBe(false)
    expect(client.calls).toEqual([
      ['set', 'app:g:r:k', '1', { condition: 'NX', expiration: { type: 'PX', value: 1_501 } }],
      ['set', 'app:g:r:k', '1', { condition: 'NX', expiration: { type: 'PX', value: 1 } }],
    ])
    await driver.release!('g:r:k')
    expect(client.calls.at(-1)).toEqual(['del', 'app:g:r:k'])
    expect(client.data.has('app:g:r:k')).toBe(false)
  })

  it('has no claim without a client to send SET NX to', () => {
    const driver = new KeyvStoreDriver({ store: adapter(false) })
    expect(driver.claim).toBeUndefined()
    expect(driver.release).toBeUndefined()
  })

  it("writes an entry as two SETs on the client, under the adapter's key naming", async () => {
    const client = redisClient()
    const store = keyvRedisAdapter(client)
    const driver = new KeyvStoreDriver({ store, namespace: 'app' })
    await driver.write(keys, record, 5_000)
    await driver.write(keys, record, undefined)
    expect(client.calls.map(([, key, , options]) => [key, options])).toEqual([
      ['ns::app:g:e:k', { expiration: { type: 'PX', value: 5_000 } }],
      ['ns::app:g:b:k', { expiration: { type: 'PX', value: 5_000 } }],
      ['ns::app:g:e:k', undefined],
      ['ns::app:g:b:k', undefined],
    ])
    expect(client.data.get('ns::app:g:b:k')).toBe(encodeBody('"abc"', '42'))
    expect(store.calls).toEqual([])
  })

  it.each([
    ['without getClient', { getClient: undefined }],
    ['without createKeyPrefix', { createKeyPrefix: undefined }],
    ['without isCluster', { isCluster: undefined }],
    ['on a cluster', { isCluster: () => true }],
  ])('writes through Keyv’s adapter %s', async (_, overrides) => {
    const client = redisClient()
    const store = keyvRedisAdapter(client, overrides)
    const driver = new KeyvStoreDriver({ store })
    await driver.write(keys, record, undefined)
    expect(store.calls).toEqual(['set g:e:k', 'set g:b:k'])
    expect(client.calls.filter(([name]) => name === 'set')).toEqual([])
  })

  it('confirms replication with WAIT only when asked, and only where the adapter has a client', async () => {
    const client = redisClient(2)
    const driver = new KeyvStoreDriver({ store: keyvRedisAdapter(client) })
    expect(driver.confirmsReplication).toBe(true)
    await driver.writeTokens([['g:t:a', 'tok']], undefined)
    expect(client.calls).toEqual([])
    await driver.writeTokens([['g:t:a', 'tok']], undefined, {
      durability: { replicas: 2, timeout: 100 },
    })
    expect(client.calls).toEqual([['sendCommand', ['WAIT', '2', '100']]])

    const plain = new KeyvStoreDriver({ store: adapter(false) })
    expect(plain.confirmsReplication).toBe(false)
    await expect(
      plain.writeTokens([['g:t:a', 'tok']], undefined, {
        durability: { replicas: 1, timeout: 10 },
      }),
    ).resolves.toBeUndefined()
  })

  it('fails an invalidation fewer replicas confirmed than asked, saying how many and what follows', async () => {
    const driver = new KeyvStoreDriver({ store: keyvRedisAdapter(redisClient('1')) })
    const write = driver.writeTokens([['g:t:a', 'tok']], undefined, {
      durability: { replicas: 2, timeout: 250 },
    })
    await expect(write).rejects.toBeInstanceOf(GarnerError)
    await expect(write).rejects.toMatchObject({
      code: 'GARNER_NOT_REPLICATED',
      message:
        "Garner's invalidation reached the Redis master, but 1 of the 2 replica(s) asked for " +
        'confirmed it within 250 ms (WAIT). It was queued and will be retried; until it lands, ' +
        'values bound to it are not served from the cache by this process.',
    })
  })

  it('finds the Redis client only where the adapter holds an object', () => {
    const sendCommand = async () => 1
    expect(redisClientOf(null)).toBeUndefined()
    expect(redisClientOf({})).toBeUndefined()
    expect(redisClientOf({ client: null })).toBeUndefined()
    expect(redisClientOf({ client: Object.assign(() => {}, { sendCommand }) })).toBeUndefined()
    expect(redisClientOf({ client: { sendCommand } })).toEqual({ sendCommand })
  })
})

describe('KeyvStoreDriver: what the adapter is given', () => {
  it('passes a ttl to setMany only when there is one', async () => {
    const entries: unknown[] = []
    const store = Object.assign(adapter(false), {
      async setMany(list: unknown[]) {
        entries.push(...list)
      },
    })
    const driver = new KeyvStoreDriver({ store })
    await driver.writeTokens([['g:t:a', 'tok']], undefined)
    await driver.writeTokens([['g:t:b', 'tok']], 1_000)
    expect(entries).toStrictEqual([
      { key: 'g:t:a', value: 'tok' },
      { key: 'g:t:b', value: 'tok', ttl: 1_000 },
    ])
  })
})
