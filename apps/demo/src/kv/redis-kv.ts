// The key-value store on Redis: SET NX for insert-only writes (atomic, so two concurrent POSTs
// cannot both win), PX for expiry, and fail-fast commands so a Redis outage answers 503 at once.
import { createClient, createCluster } from '@redis/client'
import { type KvStore, KvUnavailableError } from './kv-store.js'

const KEY_PREFIX = 'demo:kv:'
/** Longest wait for one Redis command before answering 503. */
const COMMAND_TIMEOUT_MS = 1_000

/** One Redis (`url`) or a Redis Cluster (`rootNodes`, node URLs). */
export type RedisKvTarget = { readonly url: string } | { readonly rootNodes: readonly string[] }

export async function redisKv(target: RedisKvTarget): Promise<KvStore> {
  const options = {
    // No offline queue: while Redis is down, commands fail at once instead of piling up.
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (attempts: number) => Math.min(50 * 2 ** attempts, 1_000),
      connectTimeout: 2_000,
    },
  }
  // A cluster client routes each single-key command to its slot's master.
  const client =
    'url' in target
      ? createClient({ url: target.url, ...options })
      : createCluster({ rootNodes: target.rootNodes.map((url) => ({ url })), defaults: options })
  // Errors surface through the commands; the client reconnects by itself.
  client.on('error', () => {})
  await client.connect().catch(() => {})

  async function command<T>(run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new KvUnavailableError('Redis did not answer in time')),
            COMMAND_TIMEOUT_MS,
          )
        }),
      ])
    } catch (error) {
      throw error instanceof KvUnavailableError
        ? error
        : new KvUnavailableError('Redis is unavailable', { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    kind: 'redis',
    async get(key) {
      return (await command(() => client.get(KEY_PREFIX + key))) ?? undefined
    },
    async insert(key, json, ttlMs) {
      return (
        (await command(() => client.set(KEY_PREFIX + key, json, { NX: true, PX: ttlMs }))) === 'OK'
      )
    },
    async upsert(key, json, ttlMs) {
      await command(() => client.set(KEY_PREFIX + key, json, { PX: ttlMs }))
    },
    async remove(key) {
      return (await command(() => client.del(KEY_PREFIX + key))) > 0
    },
    async close() {
      client.destroy()
    },
  }
}
