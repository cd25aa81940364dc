// The embedded key-value store: in process, with expiry, bounded so that a flood of keys cannot
// exhaust memory (the keys first written longest ago go first).
import type { KvStore } from './kv-store.js'

interface Slot {
  readonly json: string
  readonly expires: number
}

/** Most keys the in-process store holds. */
export const MEMORY_KV_MAX_KEYS = 10_000

export function memoryKv(maxKeys: number = MEMORY_KV_MAX_KEYS): KvStore {
  const slots = new Map<string, Slot>()
  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key)
    if (slot !== undefined && slot.expires <= Date.now()) {
      slots.delete(key)
      return undefined
    }
    return slot
  }
  const put = (key: string, json: string, ttlMs: number): void => {
    // Set in place: V8 makes a large Map pay O(n) for each delete-and-re-add of the same key, which
    // a client writing one key over and over would turn into a slowdown for everyone.
    slots.set(key, { json, expires: Date.now() + ttlMs })
    while (slots.size > maxKeys) slots.delete(slots.keys().next().value as string)
  }
  return {
    kind: 'memory',
    async get(key) {
      return live(key)?.json
    },
    async insert(key, json, ttlMs) {
      if (live(key) !== undefined) return false
      put(key, json, ttlMs)
      return true
    },
    async upsert(key, json, ttlMs) {
      put(key, json, ttlMs)
    },
    async remove(key) {
      return live(key) !== undefined && slots.delete(key)
    },
    async close() {
      slots.clear()
    },
  }
}
