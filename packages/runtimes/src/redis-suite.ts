// The core conformance suite on Redis through @keyv/redis, for the runtimes that have TCP sockets
// (Bun and Deno, through their Node compatibility), against the redis-server the test started.
import { describeGarnerConformance, storeTarget } from '@garner/testing'
import { createKeyv } from '@keyv/redis'
import { type Report, run } from './harness.js'

/** Registers the suite on the Redis at `url` and runs it once. */
export function runRedisConformance(runtime: string, url: string): Promise<Report> {
  const target = storeTarget('redis', () => {
    const keyv = createKeyv(url)
    return {
      options: { store: keyv, storeTimeout: 2_000 },
      close: () => keyv.store.disconnect(true),
    }
  })
  describeGarnerConformance(target.name, () => target.open())
  return run(runtime)
}
