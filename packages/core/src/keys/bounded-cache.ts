// A small bounded memo for derived key strings. Reusing the same string objects matters: a Map
// lookup hashes a fresh string every time, but a reused one keeps its hash.

/** Caches up to `limit` values; when full it starts over (cheaper than tracking recency). */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key)
  }

  clear(): void {
    this.entries.clear()
  }

  set(key: K, value: V): V {
    if (this.entries.size >= this.limit) this.entries.clear()
    this.entries.set(key, value)
    return value
  }
}
