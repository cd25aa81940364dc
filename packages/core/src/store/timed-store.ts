// Times the calls to a remote store for the `store` event, when someone listens: store latency
// and failures per operation are what an operator watches first when a cache slows down.
import type { Emitter, StoreOperation } from '../events.js'
import type {
  EntryKeys,
  EntryRecord,
  StoreDriver,
  StoreRead,
  TokenWrite,
  TokenWriteOptions,
} from './store.js'

/** `driver`, reporting each call's duration and outcome as a `store` event. */
export function timedStore(driver: StoreDriver, emitter: Emitter): StoreDriver {
  function timed<T>(operation: StoreOperation, call: () => Promise<T>): Promise<T> {
    // Without listeners this is one property read on top of a network round trip.
    // Stryker disable next-line ConditionalExpression: emit() does nothing without listeners; has() only skips the timing
    if (!emitter.has('store')) return call()
    const started = performance.now()
    return call().then(
      (result) => {
        emitter.emit('store', { operation, duration: performance.now() - started })
        return result
      },
      (error: unknown) => {
        emitter.emit('store', { operation, duration: performance.now() - started, error })
        throw error
      },
    )
  }
  const timedDriver: StoreDriver = {
    kind: driver.kind,
    remote: driver.remote,
    // Capabilities the engine and the options read: the wrapper changes none of them.
    ...(driver.guardsItself === undefined ? {} : { guardsItself: driver.guardsItself }),
    ...(driver.confirmsReplication === undefined
      ? {}
      : { confirmsReplication: driver.confirmsReplication }),
    read: function read(
      keys: EntryKeys,
      tokenKeys: readonly string[],
      withBody: boolean,
    ): Promise<StoreRead> {
      return timed('read', () => driver.read(keys, tokenKeys, withBody))
    },
    readBody: function readBody(keys: EntryKeys, etag: string): Promise<string | undefined> {
      return timed('readBody', () => driver.readBody(keys, etag))
    },
    write: function write(
      keys: EntryKeys,
      record: EntryRecord,
      ttl: number | undefined,
    ): Promise<void> {
      return timed('write', () => driver.write(keys, record, ttl))
    },
    writeTokens: function writeTokens(
      tokens: readonly TokenWrite[],
      ttl: number | undefined,
      options?: TokenWriteOptions,
    ): Promise<void> {
      // `options` carries the durability (WAIT) of an invalidation: it must reach the store.
      return timed('writeTokens', () => driver.writeTokens(tokens, ttl, options))
    },
  }
  // The refresh claim of stale-while-revalidate (SET NX PX, then DEL on Redis): store writes.
  const { claim, release } = driver
  if (claim !== undefined) {
    timedDriver.claim = function timedClaim(key: string, ttl: number): Promise<boolean> {
      return timed('write', () => claim.call(driver, key, ttl))
    }
  }
  if (release !== undefined) {
    timedDriver.release = function timedRelease(key: string): Promise<void> {
      return timed('write', () => release.call(driver, key))
    }
  }
  // What a remote store answers from process memory (a near cache) is not a store call: it is
  // passed through untimed, so the synchronous hit path stays as it is.
  if (driver.readNow !== undefined) timedDriver.readNow = driver.readNow.bind(driver)
  if (driver.memoryStats !== undefined) timedDriver.memoryStats = driver.memoryStats.bind(driver)
  if (driver.close !== undefined) timedDriver.close = driver.close.bind(driver)
  return timedDriver
}
