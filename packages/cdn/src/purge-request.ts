// What every purger shares: one HTTP request with a timeout, an error that carries the status and
// how long the API asked to wait (`Retry-After`), and splitting keys into batches the API takes.

/** The `fetch` a purger uses: the global one by default, any compatible function in tests. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

/** Default timeout of one purge request, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT = 5_000

/**
 * A purge request the cache refused or did not answer. `retryAfter` (milliseconds) is set from
 * a `Retry-After` header (a `429` or `503`); Garner waits at least that long before retrying.
 */
export class PurgeRequestError extends Error {
  override readonly name = 'PurgeRequestError'
  /** The HTTP status; 0 when no answer came (network error, timeout). */
  readonly status: number
  /** How long the cache asked to wait before the next attempt, in milliseconds. */
  readonly retryAfter: number | undefined

  constructor(message: string, status: number, retryAfter?: number, options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
    this.retryAfter = retryAfter
  }
}

/** Sends one purge request; throws a {@link PurgeRequestError} unless the answer is a 2xx. */
export async function sendPurge(
  fetch: FetchFunction,
  purger: string,
  url: string,
  init: RequestInit,
  timeout: number,
): Promise<Response> {
  let response: Response
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeout) })
  } catch (error) {
    throw new PurgeRequestError(
      `${purger}: ${init.method} ${url} failed: ${(error as Error).message ?? String(error)}`,
      0,
      undefined,
      { cause: error },
    )
  }
  if (response.ok) return response
  const text = await response.text().catch(() => '')
  throw new PurgeRequestError(
    `${purger}: ${init.method} ${url} answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 300)}`}`,
    response.status,
    parseRetryAfter(response.headers.get('retry-after')),
  )
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; `undefined` when absent or invalid. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** `keys` in batches of at most `size` keys. */
export function batches(keys: readonly string[], size: number): string[][] {
  const out: string[][] = []
  for (let start = 0; start < keys.length; start += size) out.push(keys.slice(start, start + size))
  return out
}

/** `keys` in batches whose joined text (with `separator`) stays within `maxLength` characters. */
export function batchesByLength(
  keys: readonly string[],
  maxLength: number,
  separator: string,
): string[][] {
  const out: string[][] = []
  let current: string[] = []
  let length = 0
  for (const key of keys) {
    const added = current.length === 0 ? key.length : length + separator.length + key.length
    if (current.length > 0 && added > maxLength) {
      out.push(current)
      current = [key]
      length = key.length
    } else {
      current.push(key)
      length = added
    }
  }
  if (current.length > 0) out.push(current)
  return out
}

/** Checks a required string option of a purger factory. */
export function requireString(
  value: unknown,
  purger: string,
  option: string,
  hint: string,
): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${purger}: the option \`${option}\` is required (${hint}).`)
  }
  return value
}

/** Checks an optional positive whole number option. */
export function positiveInteger(
  value: unknown,
  fallback: number,
  purger: string,
  option: string,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(
      `${purger}: \`${option}\` must be a positive whole number; got ${String(value)}.`,
    )
  }
  return value
}
