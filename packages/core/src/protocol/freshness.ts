// Freshness policies: how long an entry is fresh, and the windows after that in which Garner may
// still answer with it (stale-while-revalidate, stale-if-error), decided from the entry's own
// fresh-until time, so the store only has to keep the entry for the longest window.

/** The stale windows and loader timeout of one fetch, resolved (defaults applied, all checked). */
export interface Freshness {
  /** How long after `ttl` the entry is answered at once while one refresh runs; 0 for never. */
  readonly staleWhileRevalidate: number
  /** How long after `ttl` the entry answers when the loader fails or times out; 0 for never. */
  readonly staleIfError: number
  /** Longest wait for a loader before it counts as failed; `undefined` for no limit. */
  readonly loaderTimeout: number | undefined
  /** Whether an entry whose bindings were invalidated may be answered in the windows above. */
  readonly staleAfterInvalidate: boolean
}

/** No stale windows, no loader timeout: the behaviour without freshness options. */
export const NO_FRESHNESS: Freshness = Object.freeze({
  staleWhileRevalidate: 0,
  staleIfError: 0,
  loaderTimeout: undefined,
  staleAfterInvalidate: false,
})

/**
 * The freshness policies as a user writes them, in milliseconds: options of `fetch`, `entry` and
 * `identity.options(...)`, and defaults of `createGarner`.
 */
export interface FreshnessOptions {
  /**
   * For how long after `ttl` the entry is still answered, at once, while one refresh per key
   * runs in the background (stale-while-revalidate), in milliseconds. 0 or omitted: never.
   */
  readonly staleWhileRevalidate?: number
  /**
   * For how long after `ttl` the entry answers when the loader throws or exceeds
   * `loaderTimeout` (stale-if-error), in milliseconds. The failure is reported on the `error`
   * event and the loader is retried after a backoff, not on every request. 0 or omitted: never.
   */
  readonly staleIfError?: number
  /**
   * Longest wait for the loader, in milliseconds: a slower loader counts as failed (a stale
   * value answers within `staleIfError`, otherwise the fetch rejects with
   * `GARNER_LOADER_TIMEOUT`). The loader keeps running and its value is cached when it finishes.
   */
  readonly loaderTimeout?: number
  /**
   * Lets the stale windows answer an entry whose bindings were invalidated. Default `false`:
   * once `invalidate` has resolved, no fetch returns a value loaded before it.
   */
  readonly staleAfterInvalidate?: boolean
}

/**
 * `base` with the options set in `options` replacing its members; `base` itself (no allocation)
 * when `options` sets none, which keeps a plain fetch as cheap as before.
 */
export function mergeFreshness(base: Freshness, options: FreshnessOptions | undefined): Freshness {
  if (
    options === undefined ||
    (options.staleWhileRevalidate === undefined &&
      options.staleIfError === undefined &&
      options.loaderTimeout === undefined &&
      options.staleAfterInvalidate === undefined)
  ) {
    return base
  }
  return {
    staleWhileRevalidate:
      options.staleWhileRevalidate === undefined
        ? base.staleWhileRevalidate
        : checkWindow(options.staleWhileRevalidate, 'staleWhileRevalidate'),
    staleIfError:
      options.staleIfError === undefined
        ? base.staleIfError
        : checkWindow(options.staleIfError, 'staleIfError'),
    loaderTimeout:
      options.loaderTimeout === undefined
        ? base.loaderTimeout
        : checkTimeout(options.loaderTimeout, 'loaderTimeout'),
    staleAfterInvalidate:
      options.staleAfterInvalidate === undefined
        ? base.staleAfterInvalidate
        : checkFlag(options.staleAfterInvalidate, 'staleAfterInvalidate'),
  }
}

/** True when the policy may answer with a stale entry at all (so loads are worth tracking). */
export function servesStale(freshness: Freshness): boolean {
  return freshness.staleWhileRevalidate > 0 || freshness.staleIfError > 0
}

/**
 * How long the store keeps an entry: its `ttl` plus the longest stale window, so that the entry is
 * still there to be answered stale. `undefined` (kept until evicted) without a `ttl`.
 */
export function storeTtl(ttl: number | undefined, freshness: Freshness): number | undefined {
  if (ttl === undefined) return undefined
  return ttl + Math.max(freshness.staleWhileRevalidate, freshness.staleIfError)
}

/**
 * What an entry that is not fresh may still be used for: `revalidate` (answer it now and refresh
 * it in the background), `fallback` (answer it only if the loader fails or times out) or
 * `unusable` (a miss).
 */
export type Staleness = 'revalidate' | 'fallback' | 'unusable'

/**
 * What a stale entry may be used for at `now`: one whose time is up (`freshUntil <= now`) or,
 * with `staleAfterInvalidate`, one whose bindings were invalidated (`tokensMatch` false). The
 * windows count from `freshUntil`; an invalidated entry still within its `ttl` is inside them.
 * Each window ends just before `freshUntil + window` (as `ttl` does at `freshUntil`).
 */
export function staleness(
  freshUntil: number,
  tokensMatch: boolean,
  freshness: Freshness,
  now: number,
): Staleness {
  if (!tokensMatch && !freshness.staleAfterInvalidate) return 'unusable'
  if (now < freshUntil + freshness.staleWhileRevalidate && freshness.staleWhileRevalidate > 0)
    return 'revalidate'
  if (now < freshUntil + freshness.staleIfError && freshness.staleIfError > 0) return 'fallback'
  return 'unusable'
}

/** Validates a stale window in milliseconds: zero (none) or more. */
export function checkWindow(window: number, name: string): number {
  // Number.isFinite is false for anything that is not a number (it does not convert).
  if (!Number.isFinite(window) || window < 0) {
    throw new TypeError(
      `Garner: ${name} must be a number of milliseconds, 0 or more (0 or omitted for none); got ${String(window)}.`,
    )
  }
  return window
}

function checkTimeout(timeout: number, name: string): number {
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(
      `Garner: ${name} must be a positive number of milliseconds (omit it for no limit); got ${String(timeout)}.`,
    )
  }
  return timeout
}

function checkFlag(flag: boolean, name: string): boolean {
  if (typeof flag !== 'boolean') {
    throw new TypeError(`Garner: ${name} must be true or false; got ${String(flag)}.`)
  }
  return flag
}

/**
 * The freshness options set in `options`, checked, laid over `previous` (an identity's earlier
 * `.options(...)` calls); `previous` itself when `options` sets none.
 */
export function overlayFreshness(
  previous: FreshnessOptions | undefined,
  options: FreshnessOptions | undefined,
): FreshnessOptions | undefined {
  if (options === undefined) return previous
  const { staleWhileRevalidate, staleIfError, loaderTimeout, staleAfterInvalidate } = options
  if (
    staleWhileRevalidate === undefined &&
    staleIfError === undefined &&
    loaderTimeout === undefined &&
    staleAfterInvalidate === undefined
  ) {
    return previous
  }
  const overlay: { -readonly [K in keyof FreshnessOptions]: FreshnessOptions[K] } = {
    ...previous,
  }
  if (staleWhileRevalidate !== undefined)
    overlay.staleWhileRevalidate = checkWindow(staleWhileRevalidate, 'staleWhileRevalidate')
  if (staleIfError !== undefined) overlay.staleIfError = checkWindow(staleIfError, 'staleIfError')
  if (loaderTimeout !== undefined)
    overlay.loaderTimeout = checkTimeout(loaderTimeout, 'loaderTimeout')
  if (staleAfterInvalidate !== undefined)
    overlay.staleAfterInvalidate = checkFlag(staleAfterInvalidate, 'staleAfterInvalidate')
  return overlay
}
