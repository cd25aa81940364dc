// createGarner's `invalidation` option: what it accepts and the advice it gives when it cannot
// work (its behaviour on a real replicated Redis is in the cluster suite of @garner/fixtures).
import { createKeyv } from '@keyv/redis'
import { describe, expect, it } from 'vitest'
import { createGarner, memoryStore } from './index.js'

describe('createGarner({ invalidation })', () => {
  it('needs a store that can confirm replication', () => {
    expect(() => createGarner({ invalidation: { replicas: 1 } })).toThrow(
      'Garner: invalidation.replicas needs a Redis store that can confirm replication (WAIT): ' +
        'a Keyv on @keyv/redis (one node with replicas, or a Redis Cluster).',
    )
    expect(() => createGarner({ store: memoryStore(), invalidation: { replicas: 1 } })).toThrow(
      TypeError,
    )
  })

  it('refuses a replica count that is not a whole number of at least 1', () => {
    const store = createKeyv('redis://127.0.0.1:1')
    for (const replicas of [0, -1, 1.5, Number.NaN])
      expect(() => createGarner({ store, invalidation: { replicas } })).toThrow(
        /invalidation.replicas must be a whole number/,
      )
  })

  it('needs a timeout shorter than storeTimeout, which bounds the whole invalidation', () => {
    const store = createKeyv('redis://127.0.0.1:1')
    expect(() =>
      createGarner({ store, storeTimeout: 200, invalidation: { replicas: 1, timeout: 200 } }),
    ).toThrow(
      'Garner: invalidation.timeout (200 ms) must be shorter than storeTimeout (200 ms), which ' +
        'bounds the whole invalidation; lower one or raise the other.',
    )
    expect(() =>
      createGarner({ store, storeTimeout: 200, invalidation: { replicas: 1, timeout: 0 } }),
    ).toThrow('Garner: invalidation.timeout must be a positive number of milliseconds')
    expect(
      createGarner({ store, storeTimeout: 500, invalidation: { replicas: 2, timeout: 100 } }),
    ).toBeDefined()
  })
})
