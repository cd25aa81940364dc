// The /kv routes' behaviour, framework-free: validation, status codes and JSON answers. Each
// app's route file only maps requests and answers onto it.
import { type KvStore, KvUnavailableError } from './kv-store.js'

/** What a /kv route answers: a status with JSON, or with JSON text sent as is (a stored value). */
export interface KvAnswer {
  readonly status: 200 | 201 | 400 | 404 | 409 | 503
  readonly json?: unknown
  /** A stored value: JSON text, sent exactly as it was received. */
  readonly text?: string
}

/** Keys are 1 to 250 characters after URL decoding. */
export const MAX_KEY_LENGTH = 250

/** The /kv operations on `store`; writes without `?ttl=` expire after `defaultTtlSeconds`. */
export function kvService(store: KvStore, defaultTtlSeconds: number) {
  return {
    async get(key: string): Promise<KvAnswer> {
      const invalid = checkKey(key)
      if (invalid) return invalid
      return guard(async () => {
        const json = await store.get(key)
        return json === undefined
          ? { status: 404, json: { error: 'Key not found' } }
          : { status: 200, text: json }
      })
    },
    async insert(key: string, body: string, ttl: string | undefined): Promise<KvAnswer> {
      return write(key, body, ttl, async (json, ttlMs) =>
        (await store.insert(key, json, ttlMs))
          ? { status: 201, json: { ok: true } }
          : { status: 409, json: { error: 'Key already exists' } },
      )
    },
    async upsert(key: string, body: string, ttl: string | undefined): Promise<KvAnswer> {
      return write(key, body, ttl, async (json, ttlMs) => {
        await store.upsert(key, json, ttlMs)
        return { status: 200, json: { ok: true } }
      })
    },
    async remove(key: string): Promise<KvAnswer> {
      const invalid = checkKey(key)
      if (invalid) return invalid
      return guard(async () =>
        (await store.remove(key))
          ? { status: 200, json: { ok: true } }
          : { status: 404, json: { error: 'Key does not exist' } },
      )
    },
  }

  async function write(
    key: string,
    body: string,
    ttl: string | undefined,
    store: (json: string, ttlMs: number) => Promise<KvAnswer>,
  ): Promise<KvAnswer> {
    const invalid = checkKey(key)
    if (invalid) return invalid
    const ttlSeconds = ttl === undefined ? defaultTtlSeconds : Number(ttl)
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 365 * 24 * 3600) {
      return {
        status: 400,
        json: { error: 'ttl must be a whole number of seconds from 1 to 31536000' },
      }
    }
    if (!isJson(body)) return { status: 400, json: { error: 'The body must be JSON' } }
    // The text as received is what GET returns: valid JSON, never re-serialized.
    return guard(() => store(body, ttlSeconds * 1000))
  }
}

function checkKey(key: string): KvAnswer | undefined {
  // Characters are counted as code points, so an emoji counts once.
  const length = [...key].length
  if (length === 0 || length > MAX_KEY_LENGTH) {
    return { status: 400, json: { error: `key must be 1 to ${MAX_KEY_LENGTH} characters` } }
  }
  return undefined
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false
  try {
    JSON.parse(text)
    return true
  } catch {
    // Invalid JSON, or nesting too deep for the parser: either way, not a value we store.
    return false
  }
}

async function guard(run: () => Promise<KvAnswer>): Promise<KvAnswer> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof KvUnavailableError)
      return {
        status: 503,
        json: { error: 'The key-value store is unavailable; try again shortly' },
      }
    throw error
  }
}

export type KvService = ReturnType<typeof kvService>
