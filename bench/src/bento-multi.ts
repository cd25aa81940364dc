// bentocache as its docs set it up for many processes: a memory L1, a Redis L2 (ioredis) and its
// Redis bus, which tells the other processes to drop their L1 copy on a write.
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'

/** bentocache as its docs set it up for many processes: memory L1, Redis L2, Redis bus. */
export function benchBento(redisUrl: string): BentoCache<{ multi: ReturnType<typeof bentostore> }> {
  const connection = { host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port) }
  return new BentoCache({
    default: 'multi',
    stores: {
      multi: bentostore()
        .useL1Layer(memoryDriver({ maxItems: 10_000 }))
        .useL2Layer(redisDriver({ connection }))
        .useBus(redisBusDriver({ connection })),
    },
  })
}
