// Section 2: the cache hit path on a real Redis on loopback. Raw keyv.get (one GET through
// @keyv/redis) is the limit; the anchors run on the same Keyv Redis adapter.
import { createGarner } from '@garner/core'
import { createKeyv } from '@keyv/redis'
import type Keyv from 'keyv'
import { anchorArms } from './anchors.js'
import { type Arm, type ArmSet, keyOf } from './arms.js'
import { VALUE } from './fixture.js'
import { garnerHitArms } from './in-process.js'
import { databaseUrl } from './redis-server.js'

/** Logical databases of the hit arms (misses and stampedes use others). */
const DB = { raw: 0, anchors: 1, garner: 5 } as const

/** The Redis hit arms, not yet primed (the raw store already holds the value for `workers` keys). */
export async function redisHitArms(url: string, workers: number): Promise<ArmSet> {
  const clients: Keyv[] = []
  const keyvOn = (db: number): Keyv => {
    const keyv = createKeyv(databaseUrl(url, db))
    clients.push(keyv)
    return keyv
  }
  const arms: Arm[] = []

  const raw = keyvOn(DB.raw)
  for (let worker = 0; worker < workers; worker++) await raw.set(keyOf(worker), VALUE)
  arms.push({
    name: 'keyv.get (@keyv/redis)',
    role: 'limit',
    op: (worker) => raw.get(keyOf(worker)),
  })

  const anchors = anchorArms('hit', (index) => keyvOn(DB.anchors + index), keyOf)
  arms.push(...anchors.map(({ arm }) => arm))

  let db: number = DB.garner
  arms.push(...garnerHitArms(() => createGarner({ store: keyvOn(db++) })))

  return {
    arms,
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.disconnect()))
    },
  }
}
