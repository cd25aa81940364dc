// The key-value layer's storage contract (after Couchbase's REST caching example): JSON text by
// key, with expiry, and insert-only writes that fail when the key exists.

/** Thrown when the store cannot be reached or does not answer: the routes answer 503. */
export class KvUnavailableError extends Error {
  override readonly name = 'KvUnavailableError'
}

export interface KvStore {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis'
  /** The stored JSON text, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>
  /** Stores `json` unless the key exists; false when it does. */
  insert(key: string, json: string, ttlMs: number): Promise<boolean>
  /** Stores `json`, replacing any value. */
  upsert(key: string, json: string, ttlMs: number): Promise<void>
  /** Removes the key; false when it did not exist. */
  remove(key: string): Promise<boolean>
  close(): Promise<void>
}
