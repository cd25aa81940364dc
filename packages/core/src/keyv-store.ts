// The driver for any Keyv instance (Redis through @keyv/redis, …): every protocol step is one
// Keyv call, so one round trip on stores with getMany/setMany (MGET, MULTI).
import { decodeBody, decodeMeta, encodeBody, encodeMeta } from './entry-codec.js'
import { GarnerError } from './errors.js'
import type { EntryKeys, EntryRecord, StoreDriver, StoreRead, TokenWrite } from './store.js'

/**
 * The part of a Keyv instance Garner uses. Any `Keyv` from `keyv` 5 fits; so does anything
 * else with these methods.
 */
export interface KeyvLike {
  get(key: string): Promise<unknown>
  getMany(keys: string[]): Promise<unknown[]>
  setMany(entries: { key: string; value: unknown; ttl?: number }[]): Promise<unknown>
  on?(event: 'error', listener: (error: unknown) => void): unknown
}

/** True when `value` looks like a Keyv instance. */
export function isKeyvLike(value: unknown): value is KeyvLike {
  const candidate = value as Partial<KeyvLike> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.get === 'function' &&
    typeof candidate.getMany === 'function' &&
    typeof candidate.setMany === 'function'
  )
}

export class KeyvStoreDriver implements StoreDriver {
  readonly kind = 'keyv' as const
  // Keyv and its adapters often report a failure as an 'error' event and answer as if the key
  // were absent. Counting those events lets a call that saw one fail instead of lying. An event
  // from a concurrent call fails this one too: conservative, never unsafe.
  private errorsSeen = 0
  private lastError: unknown

  constructor(private readonly keyv: KeyvLike) {
    keyv.on?.('error', (error) => {
      this.errorsSeen += 1
      this.lastError = error
    })
  }

  async read(keys: EntryKeys, tokenKeys: readonly string[], withBody: boolean): Promise<StoreRead> {
    const storeKeys = withBody ? [keys.entry, keys.body, ...tokenKeys] : [keys.entry, ...tokenKeys]
    const raw = await this.call(() => this.keyv.getMany(storeKeys))
    const offset = withBody ? 2 : 1
    let corrupt: GarnerError | undefined
    const tokens: (string | undefined)[] = new Array(tokenKeys.length)
    for (let index = 0; index < tokenKeys.length; index++) {
      const token = raw[offset + index]
      if (token === undefined || token === null || typeof token === 'string') {
        tokens[index] = token ?? undefined
      } else {
        // A token that is not text is treated as absent: it will be replaced by a fresh one,
        // which only invalidates what was bound to it.
        corrupt ??= corruptToken(tokenKeys[index]!)
        tokens[index] = undefined
      }
    }
    let meta: StoreRead['meta']
    let body: string | undefined
    try {
      meta = raw[0] === undefined || raw[0] === null ? undefined : decodeMeta(raw[0], keys.entry)
      if (meta !== undefined && withBody) body = decodeBody(raw[1], meta.etag, keys.body)
    } catch (error) {
      corrupt ??= error as GarnerError
      meta = undefined
      body = undefined
    }
    return { meta, body, hasValue: false, tokens, corrupt }
  }

  async readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
    const raw = await this.call(() => this.keyv.get(keys.body))
    return decodeBody(raw, etag, keys.body)
  }

  async write(keys: EntryKeys, record: EntryRecord, ttl: number | undefined): Promise<void> {
    await this.call(() =>
      this.keyv.setMany([
        withTtl(keys.entry, encodeMeta(record), ttl),
        withTtl(keys.body, encodeBody(record.etag, record.body), ttl),
      ]),
    )
  }

  async writeTokens(tokens: readonly TokenWrite[], ttl: number | undefined): Promise<void> {
    await this.call(() => this.keyv.setMany(tokens.map(([key, token]) => withTtl(key, token, ttl))))
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    const before = this.errorsSeen
    let result: T
    try {
      result = await operation()
    } catch (error) {
      // Keyv parses what it stored as JSON; garbage under a key surfaces as a SyntaxError.
      if (error instanceof SyntaxError) {
        throw new GarnerError(
          'GARNER_CORRUPT_ENTRY',
          `Garner's store holds text it cannot parse under one of its keys (${error.message}); ` +
            'the entry was treated as a miss and will be overwritten.',
          { cause: error },
        )
      }
      throw error
    }
    if (this.errorsSeen !== before) throw this.lastError
    return result
  }
}

function withTtl(key: string, value: string, ttl: number | undefined) {
  return ttl === undefined ? { key, value } : { key, value, ttl }
}

function corruptToken(key: string): GarnerError {
  return new GarnerError(
    'GARNER_CORRUPT_ENTRY',
    `Garner found a generation token under ${key} that is not text; it was replaced, which ` +
      'invalidates what was bound to it.',
  )
}
