// createGarner's options: what each accepts, and the advice it gives, naming the option, when
// one cannot work. (Their behaviour once accepted is in the other suites.)
import { createKeyv } from '@keyv/redis'
import Keyv from 'keyv'
import { describe, expect, it } from 'vitest'
import {
  createGarner,
  DEFAULT_KEY_STRATEGIES,
  type GarnerOptions,
  type KeyStrategy,
  memoryStore,
  type Purger,
  type StoreDriver,
} from './index.js'

/** Asserts that createGarner refuses `options` with a TypeError whose message matches `message`. */
function refuses(options: GarnerOptions, message: RegExp | string): void {
  expect(() => createGarner(options)).toThrow(TypeError)
  expect(() => createGarner(options)).toThrow(message)
}

const purger = (header: Partial<Purger['header']> & { name: string }): Purger => ({
  name: 'test',
  header: { separator: ' ', maxLength: 1_000, ...header } as Purger['header'],
  purge: async () => {},
})

describe('createGarner options', () => {
  it('takes a namespace of 1 to 100 characters', () => {
    expect(createGarner({ namespace: 'n'.repeat(100) }).namespace).toBe('n'.repeat(100))
    expect(createGarner({ namespace: 'n' }).namespace).toBe('n')
    refuses({ namespace: 'n'.repeat(101) }, 'namespace must be a string of 1 to 100 characters')
    refuses({ namespace: '' }, 'namespace must be a string of 1 to 100 characters; got "".')
    refuses({ namespace: 42 as unknown as string }, 'namespace must be a string')
  })

  it('names the option whose duration is not a positive number of milliseconds', () => {
    for (const name of ['ttl', 'storeTimeout', 'tokenTtl', 'sharedMaxAge'] as const)
      refuses({ [name]: 0 }, `Garner: ${name} must be a positive number of milliseconds`)
    refuses({ loaderBackoff: { min: -1 } }, 'Garner: loaderBackoff.min must be a positive number')
    refuses({ loaderBackoff: { max: 0 } }, 'Garner: loaderBackoff.max must be a positive number')
    refuses(
      { purgers: [purger({ name: 'Surrogate-Key' })], purgeTimeout: 0 },
      'Garner: purgeTimeout must be a positive number',
    )
  })

  it('names the fetch option that is not a positive duration, rejecting the fetch or entry', async () => {
    const garner = createGarner()
    await expect(garner.fetch('k', () => 1, { ttl: -5 })).rejects.toThrow(
      'Garner: ttl must be a positive number of milliseconds',
    )
    await expect(garner.entry('k', () => 1, { ttl: 0 })).rejects.toThrow(
      'Garner: ttl must be a positive number of milliseconds',
    )
  })

  it('refuses a store it cannot use, saying what it got', () => {
    refuses(
      { store: 42 as unknown as StoreDriver },
      /memoryStore\(\) or a StoreDriver; got number\./,
    )
  })

  it('takes a clock and an etag only as functions', () => {
    refuses({ clock: 1 as unknown as () => number }, 'Garner: clock must be a function')
    refuses(
      { etag: 'strong' as unknown as GarnerOptions['etag'] },
      'Garner: etag must be a function ({ value, body }) => string.',
    )
  })

  it('takes keyStrategies only as an array of uniquely named strategies', () => {
    const apply: KeyStrategy['apply'] = (key) => key
    refuses(
      { keyStrategies: {} as unknown as KeyStrategy[] },
      'Garner: keyStrategies must be an array of key strategies.',
    )
    const malformed = [
      null,
      { name: 'no-apply' },
      { apply },
      { name: 'apply-not-a-function', apply: 1 },
    ] as unknown as KeyStrategy[]
    for (const strategy of malformed)
      refuses(
        { keyStrategies: [...DEFAULT_KEY_STRATEGIES, strategy] },
        'Garner: keyStrategies[4] must be { name: string, apply(key, context) }.',
      )
    refuses(
      {
        keyStrategies: [
          { name: 'tenant', apply },
          { name: 'tenant', apply },
        ],
      },
      "Garner: two key strategies are named 'tenant'; names must be unique.",
    )
    expect(createGarner({ keyStrategies: [{ name: 'tenant', apply }] })).toBeDefined()
  })

  it('takes purgers only as an array of well-formed purgers', () => {
    const shape =
      /Garner: purgers\[0\] must be a Purger: .*maxLength \}, purge\(keys\) \} \(see @garner\/cdn\)\./
    refuses({ purgers: {} as unknown as Purger[] }, 'Garner: purgers must be an array')
    const good = purger({ name: 'Surrogate-Key' })
    const malformed: unknown[] = [
      null,
      { ...good, purge: undefined },
      { ...good, name: 7 },
      { ...good, header: undefined },
      { ...good, header: { ...good.header, name: 42 } },
      { ...good, header: { ...good.header, name: 'Surrogate Key' } },
      { ...good, header: { ...good.header, separator: ';' } },
      { ...good, header: { ...good.header, maxLength: 0 } },
      { ...good, header: { ...good.header, maxLength: Number.NaN } },
    ]
    for (const candidate of malformed) refuses({ purgers: [candidate as Purger] }, shape)
    expect(
      createGarner({ purgers: [good, purger({ name: 'Cache-Tag', separator: ',' })] }),
    ).toBeDefined()
    expect(
      createGarner({ purgers: [purger({ name: 'Surrogate-Key', maxLength: 1 })] }),
    ).toBeDefined()
  })

  it('takes nearCache as true, false or bounds, and only over a Redis store', () => {
    expect(createGarner({ nearCache: false }).nearCache).toBeUndefined()
    expect(createGarner({ store: memoryStore(), nearCache: false }).nearCache).toBeUndefined()
    expect(createGarner().nearCache).toBeUndefined()
    refuses(
      { nearCache: 'yes' as unknown as boolean },
      'Garner: nearCache must be true, false or { maxEntries, maxBytes }; got string.',
    )
    refuses(
      { nearCache: null as unknown as boolean, store: createKeyv('redis://127.0.0.1:1') },
      'Garner: nearCache must be true, false or { maxEntries, maxBytes }; got object.',
    )
    const inMemory =
      'Garner: nearCache needs a Redis store, new Keyv(new KeyvRedis(url)); the in-process store is already in memory.'
    refuses({ nearCache: true }, inMemory)
    refuses({ nearCache: {} }, inMemory)
    refuses({ nearCache: true, store: memoryStore() }, inMemory)
    // A Keyv instance gets past this check; the near cache itself then asks for @keyv/redis.
    refuses(
      { nearCache: true, store: new Keyv() },
      'nearCache needs a Keyv instance backed by @keyv/redis',
    )
    // The bounds given reach the near cache (checked there before it connects to anything).
    refuses(
      { nearCache: { heartbeat: 0 }, store: createKeyv('redis://127.0.0.1:1') },
      'Garner: nearCache heartbeat must be a positive number; got 0.',
    )
  })
})
