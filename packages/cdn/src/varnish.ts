// varnishPurger(): purges Varnish by surrogate key through the xkey vmod (varnish-modules). The
// VCL in the "Behind a CDN" guide answers `PURGE` requests that carry an `xkey-purge` (or
// `xkey-softpurge`) header by calling xkey.purge on its keys.
import type { Purger } from '@garner/core'
import {
  batchesByLength,
  DEFAULT_REQUEST_TIMEOUT,
  type FetchFunction,
  positiveInteger,
  requireString,
  sendPurge,
} from './purge-request.js'

/** Options of {@link varnishPurger}. */
export interface VarnishPurgerOptions {
  /** Where Varnish listens, e.g. `http://127.0.0.1:6081`. The PURGE request goes to this URL. */
  readonly url: string
  /**
   * Soft purge: objects stay usable for grace and conditional requests (`xkey.softpurge`)
   * instead of being removed. Default false.
   */
  readonly soft?: boolean
  /** Extra request headers (a shared secret your VCL checks, a Host …). */
  readonly headers?: Readonly<Record<string, string>>
  /** Timeout of one PURGE request, in milliseconds. Default 5,000. */
  readonly timeout?: number
  /**
   * Longest `xkey` header Varnish accepts on a response, and longest `xkey-purge` on a request,
   * in bytes. Default 7,000 (Varnish's `http_resp_hdr_len` and `http_req_hdr_len` default to
   * 8 KB per header line).
   */
  readonly maxHeaderLength?: number
  /** The `fetch` to send requests with. Default: the global `fetch`. */
  readonly fetch?: FetchFunction
}

/** The request header the documented VCL reads the keys to purge from. */
export const VARNISH_PURGE_HEADER = 'xkey-purge'
/** The request header the documented VCL reads the keys to soft-purge from. */
export const VARNISH_SOFT_PURGE_HEADER = 'xkey-softpurge'
/** Default {@link VarnishPurgerOptions.maxHeaderLength}. */
export const DEFAULT_VARNISH_HEADER_LENGTH = 7_000

/**
 * A {@link Purger} for Varnish with the xkey vmod. Responses carry their keys in `xkey`
 * (space-separated); a purge is `PURGE <url>` with `xkey-purge: <keys>`, split into several
 * requests when the keys would not fit in one header.
 */
export function varnishPurger(options: VarnishPurgerOptions): Purger {
  const url = requireString(
    options?.url,
    'varnishPurger',
    'url',
    "Varnish's address, e.g. http://127.0.0.1:6081",
  )
  const maxLength = positiveInteger(
    options.maxHeaderLength,
    DEFAULT_VARNISH_HEADER_LENGTH,
    'varnishPurger',
    'maxHeaderLength',
  )
  const timeout = positiveInteger(
    options.timeout,
    DEFAULT_REQUEST_TIMEOUT,
    'varnishPurger',
    'timeout',
  )
  const fetch = options.fetch ?? globalThis.fetch
  const purgeHeader = options.soft === true ? VARNISH_SOFT_PURGE_HEADER : VARNISH_PURGE_HEADER
  const extra = { ...options.headers }
  return {
    name: 'varnish',
    header: { name: 'xkey', separator: ' ', maxLength },
    async purge(keys: readonly string[]): Promise<void> {
      for (const batch of batchesByLength(keys, maxLength, ' ')) {
        await sendPurge(
          fetch,
          'varnishPurger',
          url,
          { method: 'PURGE', headers: { ...extra, [purgeHeader]: batch.join(' ') } },
          timeout,
        )
      }
    },
  }
}
