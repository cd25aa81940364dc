// fastlyPurger(): purges a Fastly service by surrogate key through Fastly's batch purge API,
// `POST /service/{service_id}/purge` with the keys in a JSON body (at most 256 per request).
import type { Purger } from '@garner/core'
import {
  batches,
  DEFAULT_REQUEST_TIMEOUT,
  type FetchFunction,
  positiveInteger,
  requireString,
  sendPurge,
} from './purge-request.js'

/** Options of {@link fastlyPurger}. */
export interface FastlyPurgerOptions {
  /** The service's id (Fastly console, or `fastly service list`). */
  readonly serviceId: string
  /** An API token with the `purge_select` scope, sent as `Fastly-Key`. */
  readonly token: string
  /**
   * Soft purge (`Fastly-Soft-Purge: 1`): objects are marked stale instead of removed, and can be
   * served stale while revalidating. Default false.
   */
  readonly soft?: boolean
  /** The API's base URL. Default `https://api.fastly.com`; tests point it at a local server. */
  readonly endpoint?: string
  /** Timeout of one purge request, in milliseconds. Default 5,000. */
  readonly timeout?: number
  /** The `fetch` to send requests with. Default: the global `fetch`. */
  readonly fetch?: FetchFunction
}

/** Fastly's API. */
export const FASTLY_ENDPOINT = 'https://api.fastly.com'
/** Most keys Fastly purges in one batch request. */
export const FASTLY_MAX_KEYS_PER_PURGE = 256
/** Most bytes of a `Surrogate-Key` response header Fastly reads. */
export const FASTLY_MAX_HEADER_LENGTH = 16_384

/**
 * A {@link Purger} for Fastly. Responses carry their keys in `Surrogate-Key` (space-separated,
 * at most 16,384 bytes; Fastly strips the header before answering clients). A purge is one
 * `POST /service/{serviceId}/purge` per 256 keys, authenticated with `Fastly-Key`.
 */
export function fastlyPurger(options: FastlyPurgerOptions): Purger {
  const serviceId = requireString(
    options?.serviceId,
    'fastlyPurger',
    'serviceId',
    'the Fastly service id',
  )
  const token = requireString(
    options.token,
    'fastlyPurger',
    'token',
    'an API token with purge_select',
  )
  const endpoint = (options.endpoint ?? FASTLY_ENDPOINT).replace(/\/+$/, '')
  const timeout = positiveInteger(
    options.timeout,
    DEFAULT_REQUEST_TIMEOUT,
    'fastlyPurger',
    'timeout',
  )
  const fetch = options.fetch ?? globalThis.fetch
  const url = `${endpoint}/service/${encodeURIComponent(serviceId)}/purge`
  const headers: Record<string, string> = {
    'Fastly-Key': token,
    Accept: 'application/json',
    'Content-Type': 'application/json',
  }
  if (options.soft === true) headers['Fastly-Soft-Purge'] = '1'
  return {
    name: 'fastly',
    header: { name: 'Surrogate-Key', separator: ' ', maxLength: FASTLY_MAX_HEADER_LENGTH },
    async purge(keys: readonly string[]): Promise<void> {
      for (const batch of batches(keys, FASTLY_MAX_KEYS_PER_PURGE)) {
        await sendPurge(
          fetch,
          'fastlyPurger',
          url,
          { method: 'POST', headers, body: JSON.stringify({ surrogate_keys: batch }) },
          timeout,
        )
      }
    },
  }
}
