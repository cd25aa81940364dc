// cloudflarePurger(): purges a Cloudflare zone by cache tag through `POST
// /zones/{zone_id}/purge_cache` with `{ "tags": [...] }` (at most 100 tags per request on the
// Free, Pro and Business plans, 500 on Enterprise).
import type { Purger } from '@garner/core'
import {
  batches,
  DEFAULT_REQUEST_TIMEOUT,
  type FetchFunction,
  PurgeRequestError,
  positiveInteger,
  requireString,
  sendPurge,
} from './purge-request.js'

/** Options of {@link cloudflarePurger}. */
export interface CloudflarePurgerOptions {
  /** The zone's id (the zone's Overview page in the dashboard). */
  readonly zoneId: string
  /** An API token with the "Cache Purge" permission on the zone, sent as a Bearer token. */
  readonly token: string
  /** Most tags per purge request: 100 (Free, Pro, Business) or 500 (Enterprise). Default 100. */
  readonly maxTagsPerRequest?: number
  /** The API's base URL. Default `https://api.cloudflare.com/client/v4`; tests point it at a local server. */
  readonly endpoint?: string
  /** Timeout of one purge request, in milliseconds. Default 5,000. */
  readonly timeout?: number
  /** The `fetch` to send requests with. Default: the global `fetch`. */
  readonly fetch?: FetchFunction
}

/** Cloudflare's API. */
export const CLOUDFLARE_ENDPOINT = 'https://api.cloudflare.com/client/v4'
/** Default {@link CloudflarePurgerOptions.maxTagsPerRequest}. */
export const CLOUDFLARE_MAX_TAGS_PER_PURGE = 100
/** Most bytes of the `Cache-Tag` response header Cloudflare reads (16 KB). */
export const CLOUDFLARE_MAX_HEADER_LENGTH = 16_000

/**
 * A {@link Purger} for Cloudflare. Responses carry their keys in `Cache-Tag` (comma-separated,
 * at most 16 KB; Cloudflare strips the header before answering clients, and compares tags
 * without regard to case). A purge is one `POST /zones/{zoneId}/purge_cache` per batch of tags.
 */
export function cloudflarePurger(options: CloudflarePurgerOptions): Purger {
  const zoneId = requireString(options?.zoneId, 'cloudflarePurger', 'zoneId', 'the zone id')
  const token = requireString(
    options.token,
    'cloudflarePurger',
    'token',
    'an API token with Cache Purge',
  )
  const endpoint = (options.endpoint ?? CLOUDFLARE_ENDPOINT).replace(/\/+$/, '')
  const maxTags = positiveInteger(
    options.maxTagsPerRequest,
    CLOUDFLARE_MAX_TAGS_PER_PURGE,
    'cloudflarePurger',
    'maxTagsPerRequest',
  )
  const timeout = positiveInteger(
    options.timeout,
    DEFAULT_REQUEST_TIMEOUT,
    'cloudflarePurger',
    'timeout',
  )
  const fetch = options.fetch ?? globalThis.fetch
  const url = `${endpoint}/zones/${encodeURIComponent(zoneId)}/purge_cache`
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
  return {
    name: 'cloudflare',
    header: { name: 'Cache-Tag', separator: ',', maxLength: CLOUDFLARE_MAX_HEADER_LENGTH },
    async purge(keys: readonly string[]): Promise<void> {
      for (const batch of batches(keys, maxTags)) {
        const response = await sendPurge(
          fetch,
          'cloudflarePurger',
          url,
          { method: 'POST', headers, body: JSON.stringify({ tags: batch }) },
          timeout,
        )
        // The API answers 200 with `success: false` for some refusals.
        const answer = (await response.json().catch(() => undefined)) as
          | { success?: unknown; errors?: unknown }
          | undefined
        if (answer?.success !== true) {
          throw new PurgeRequestError(
            `cloudflarePurger: POST ${url} did not succeed: ${JSON.stringify(answer?.errors ?? answer)}`,
            response.status,
          )
        }
      }
    },
  }
}
