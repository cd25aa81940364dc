// The two stores every @garner/prisma test runs against: Garner's in-process store, and Redis
// through @keyv/redis (REDIS_URL when set, otherwise a redis-server of the test file's own).
import { createGarner, type Garner } from '@garner/core'
import { redisForTests } from '@garner/fixtures'
import type KeyvRedis from '@keyv/redis'
import { createKeyv } from '@keyv/redis'

export const STORE_KINDS = ['memory', 'redis'] as const
export type StoreKind = (typeof STORE_KINDS)[number]

/** A store opened for one test file: a fresh Garner (own namespace) per test, `close()` at the end. */
export interface TestStore {
  garner(): Garner
  close(): Promise<void>
}

let namespaces = 0

export async function openStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'memory') return { garner: () => createGarner(), close: async () => {} }
  const redis = await redisForTests()
  const keyv = createKeyv(redis.url)
  return {
    // A namespace per test and process: REDIS_URL may be a server other runs share.
    garner: () =>
      createGarner({
        store: keyv,
        namespace: `garner-prisma-${process.pid}-${++namespaces}`,
        storeTimeout: 5_000,
      }),
    close: async () => {
      await (keyv.store as KeyvRedis<string>).disconnect(true)
      await redis.release()
    },
  }
}
