// The one error class Garner throws or reports, with a stable machine-readable code.

/** Every code a {@link GarnerError} can carry. Codes are stable; messages may improve. */
export type GarnerErrorCode =
  /** A loader returned a value the serializer cannot store faithfully (a Map, a BigInt, a cycle …). */
  | 'GARNER_UNSERIALIZABLE'
  /** An identity has neither an explicit key nor a request to build one from. */
  | 'GARNER_EMPTY_KEY'
  /** An ETag strategy returned something that is not a valid entity-tag. */
  | 'GARNER_INVALID_ETAG'
  /** The store did not answer within the store timeout. */
  | 'GARNER_STORE_TIMEOUT'
  /** The store failed (connection refused, reset, protocol error …); see `cause`. */
  | 'GARNER_STORE_ERROR'
  /** The store held an entry Garner cannot read (garbage, wrong shape, another format). */
  | 'GARNER_CORRUPT_ENTRY'
  /** A loader failed and Garner answered with a stale value (reported on the `error` event); see `cause`. */
  | 'GARNER_LOADER_FAILED'
  /** A loader did not finish within `loaderTimeout` (it keeps running, and its value is cached). */
  | 'GARNER_LOADER_TIMEOUT'
  /** Fewer replicas than `invalidation.replicas` confirmed an invalidation in time (`WAIT`). */
  | 'GARNER_NOT_REPLICATED'
  /** A purger (a shared cache's purge API) failed; the purge is retried with backoff, then given up. */
  | 'GARNER_PURGE_FAILED'
  /** `invalidate()` returned before the shared caches confirmed its purge (it carries on). */
  | 'GARNER_PURGE_TIMEOUT'

/**
 * An error raised or reported by Garner. `code` is stable and safe to branch on; `message` says
 * what happened and what to do about it; `cause` holds the underlying error where there is one.
 */
export class GarnerError extends Error {
  override readonly name = 'GarnerError'
  /** What went wrong, stable across releases: branch on this, not on the message. */
  readonly code: GarnerErrorCode

  constructor(code: GarnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** True when `error` is a {@link GarnerError}, optionally with the given code. */
export function isGarnerError(error: unknown, code?: GarnerErrorCode): error is GarnerError {
  return error instanceof GarnerError && (code === undefined || error.code === code)
}
