// The stores every suite runs against: the in-process store and a real Redis through @keyv/redis.
import { createGarner, type Garner, type GarnerOptions } from '../garner.js'
import { redisForTests } from './redis-for-tests.js'

/** Creates Garner instances on one store, each in a namespace of its own. */
export interface StoreTarget {
  /** `memory` or `redis`. */
  readonly name: string
  /** Opens the store (starting Redis when needed) and returns a factory and a closer. */
  open(): Promise<OpenStore>
}

/** An opened store. */
export interface OpenStore {
  /** A Garner instance on this store, in a namespace of its own. */
  garner(options?: Omit<GarnerOptions, 'store' | 'namespace'>): Garner
  /** Closes the store's connections. */
  close(): Promise<void>
}

let namespaces = 0
const nextNamespace = (prefix: string): string => `${prefix}-${process.pid}-${++namespaces}`

/** The in-process store. */
export const memoryTarget: StoreTarget = {
  name: 'memory',
  async open() {
    return {
      garner: (options) => createGarner({ ...options, namespace: nextNamespace('memory') }),
      close: async () => {},
    }
  },
}

/** Redis through `@keyv/redis` (REDIS_URL when set, otherwise a private redis-server). */
export const redisTarget: StoreTarget = {
  name: 'redis',
  async open() {
    const { createKeyv } = await import('@keyv/redis')
    const redis = await redisForTests()
    const keyv = createKeyv(redis.url)
    return {
      garner: (options) =>
        createGarner({
          storeTimeout: 2_000,
          ...options,
          store: keyv,
          namespace: nextNamespace('redis'),
        }),
      close: async () => {
        await (keyv.store as { disconnect(force?: boolean): Promise<void> }).disconnect(true)
        await redis.release()
      },
    }
  },
}

/** Both stores, in the order suites run them. */
export const STORE_TARGETS: readonly StoreTarget[] = [memoryTarget, redisTarget]
