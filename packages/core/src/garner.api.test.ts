// The Garner instance's own methods around the engine: invalidate's arguments, listeners,
// tracers, the purgers' surrogate-key headers and which key pipeline keys an identity.
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import {
  createGarner,
  DEFAULT_KEY_STRATEGIES,
  type GarnerEvents,
  type KeyStrategy,
  memoryStore,
  type Purger,
  type RequestInfo,
  type StoreDriver,
} from './index.js'

const request = (): RequestInfo => ({
  method: 'GET',
  path: '/users/1',
  query: '',
  header: () => undefined,
})

const purger = (name: string, separator: ' ' | ',', maxLength: number): Purger => ({
  name: 'test',
  header: { name, separator, maxLength },
  purge: async () => {},
})

describe('garner.invalidate()', () => {
  it('needs a model name, and says what it got', async () => {
    const garner = createGarner()
    for (const model of [42, '', undefined])
      await expect(garner.invalidate(model as string)).rejects.toThrow(
        `Garner: invalidate() needs a model name; got ${JSON.stringify(model)}.`,
      )
    await expect(garner.invalidate(42 as unknown as string)).rejects.toThrow(TypeError)
  })

  it('names the id argument when the id is not one', async () => {
    const garner = createGarner()
    await expect(garner.invalidate('User', [1] as unknown as string)).rejects.toThrow(
      /^Garner: binding id /,
    )
  })

  it('purges nothing when invalidateMany is given nothing', async () => {
    const purge = vi.fn(async () => {})
    const garner = createGarner({ purgers: [{ ...purger('Surrogate-Key', ' ', 1_000), purge }] })
    await garner.invalidateMany([])
    expect(purge).not.toHaveBeenCalled()
    await garner.invalidate('User', 1)
    expect(purge).toHaveBeenCalledTimes(1)
  })
})

describe('listeners and tracers', () => {
  it('off() removes a listener added with on()', async () => {
    const garner = createGarner()
    const misses: string[] = []
    const listener = ({ key }: { key: string }): void => {
      misses.push(key)
    }
    garner.on('miss', listener)
    await garner.fetch('a', () => 1)
    garner.off('miss', listener)
    await garner.fetch('b', () => 1)
    expect(misses).toEqual(['garner:e:{"key":"a"}'])
  })

  it('traceMisses() refuses what is not a function, saying what it needs', () => {
    expect(() => createGarner().traceMisses(null as never)).toThrow(
      'Garner: traceMisses() needs a function (event, work) => work().',
    )
  })
})

describe('surrogate-key headers of several purgers', () => {
  const respond = (purgers: Purger[]) =>
    createGarner({ purgers })
      .identity({ request: request() })
      .bind([['User', 1], 'Post'])
      .options({ public: true })
      .respond(() => ({ id: 1 }))

  it('sends a header read by two purgers once, within the tighter limit, whatever their order', async () => {
    const loose = purger('Surrogate-Key', ' ', 1_000)
    const tight = purger('surrogate-key', ',', 500)
    for (const purgers of [
      [loose, tight],
      [tight, loose],
    ]) {
      const { headers } = (await respond(purgers))!
      expect(headers['Surrogate-Key']).toBeUndefined()
      expect(headers['surrogate-key']).toContain(',')
    }
  })

  it("keeps the first purger's header when both limits are the same", async () => {
    const { headers } = (await respond([
      purger('Surrogate-Key', ' ', 500),
      purger('surrogate-key', ',', 500),
    ]))!
    expect(headers['surrogate-key']).toBeUndefined()
    expect(headers['Surrogate-Key']).toContain(' ')
  })
})

describe('the key pipeline', () => {
  // Reads a tenant from the key context, and keeps the explicit key under `key`.
  const tenant: KeyStrategy = {
    name: 'tenant',
    apply: (key, context) => ({
      ...key,
      key: context.key,
      tenant: typeof context.tenant === 'string' ? context.tenant : 'none',
    }),
  }
  const keyOf = (strategies: readonly KeyStrategy[]): string =>
    createGarner({ namespace: 'n', keyStrategies: strategies }).key('k').describe().key

  it('keys by the strategies given, even as many as the default ones', () => {
    const others = DEFAULT_KEY_STRATEGIES.slice(1).map((strategy) => ({ ...strategy }))
    expect(keyOf([tenant, ...others])).toBe('n:e:{"key":"k","tenant":"none"}')
    expect(keyOf([tenant, ...DEFAULT_KEY_STRATEGIES.slice(1)])).toBe(
      'n:e:{"key":"k","tenant":"none"}',
    )
    expect(keyOf(DEFAULT_KEY_STRATEGIES)).toBe('n:e:{"key":"k"}')
  })

  it('keys everything alike with an empty pipeline', () => {
    expect(keyOf([])).toBe('n:e:{}')
  })
})

describe('invalidation.replicas', () => {
  it('asks the store to confirm the replicas and the timeout given', async () => {
    const inner = memoryStore()
    const asked: unknown[] = []
    const replicated = new Proxy(inner, {
      get(target, property) {
        if (property === 'confirmsReplication') return true
        const value = Reflect.get(target, property, target)
        if (property === 'writeTokens')
          return (...args: Parameters<StoreDriver['writeTokens']>) => {
            asked.push(args[2]?.durability)
            return value.apply(target, args)
          }
        return typeof value === 'function' ? value.bind(target) : value
      },
    }) as StoreDriver
    const garner = createGarner({ store: replicated, invalidation: { replicas: 2, timeout: 50 } })
    await garner.invalidate('User', 1)
    expect(asked).toContainEqual({ replicas: 2, timeout: 50 })
  })
})

describe('a Keyv over a Redis Cluster client', () => {
  it('talks to the cluster client, within storeTimeout, rather than through the adapter', async () => {
    let connects = 0
    let adapterReads = 0
    // A cluster that never finishes connecting, under an adapter that would answer at once.
    const cluster = {
      isOpen: false,
      slots: [],
      masters: [],
      connect: () => {
        connects += 1
        return new Promise<never>(() => {})
      },
      sendCommand: async () => undefined,
      on: () => undefined,
      once: () => undefined,
    }
    const adapter = {
      client: cluster,
      get: async () => {
        adapterReads += 1
        return undefined
      },
      set: async () => true,
      delete: async () => true,
      clear: async () => {},
    }
    const keyv = { store: adapter, get: adapter.get, set: adapter.set, delete: adapter.delete }
    const garner = createGarner({ store: keyv as never, storeTimeout: 50 })
    const errors: GarnerEvents['error'][] = []
    garner.on('error', (event) => errors.push(event))
    expect(await garner.fetch('k', () => 'loaded')).toBe('loaded')
    expect(connects).toBe(1)
    expect(adapterReads).toBe(0)
    expect(errors.map(({ operation, error }) => [operation, error.code])).toEqual([
      ['read', 'GARNER_STORE_TIMEOUT'],
    ])
    expect(errors[0]?.error.message).toContain('within 50 ms')
    expect(garner.stats().missesByReason.unavailable).toBe(1)
  })
})

describe('the near cache losing its tracking connection', () => {
  it('is reported on the error event, as a read error', async () => {
    // A stand-in for node-redis: the tracking connection is the duplicate of the adapter's client.
    const tracking = Object.assign(new EventEmitter(), {
      connect: async () => undefined,
      ping: async () => 'PONG',
      mGet: async (keys: string[]) => keys.map(() => null),
      destroy: () => undefined,
    })
    const adapter = {
      client: { options: {}, duplicate: () => tracking },
      namespace: undefined,
      createKeyPrefix: (key: string) => key,
      get: async () => undefined,
      set: async () => true,
      delete: async () => true,
      clear: async () => {},
    }
    const keyv = { store: adapter, get: adapter.get, set: adapter.set, delete: adapter.delete }
    const garner = createGarner({ store: keyv as never, nearCache: true })
    try {
      const errors: GarnerEvents['error'][] = []
      garner.on('error', (event) => errors.push(event))
      tracking.emit('ready')
      tracking.emit('end')
      expect(errors).toHaveLength(1)
      expect(errors[0]?.operation).toBe('read')
      expect(errors[0]?.error.code).toBe('GARNER_STORE_ERROR')
      expect(errors[0]?.error.message).toMatch(
        /near cache lost its tracking connection to Redis \(closed\)/,
      )
    } finally {
      await garner.close()
    }
  })
})
