// The HTTP side of an identity, shared by every adapter: answer a GET or HEAD from the cache with
// 200 or 304 (RFC 9110), without running the loader on a hit and without reading the cached body
// when the client's copy is current. Adapters only copy the result onto their response.

import type { RequestInfo } from '../keys/strategies/key-strategy.js'
import type { NormalBinding } from '../protocol/binding.js'
import type { Engine, Loader, Plan, Resolved } from '../protocol/engine.js'
import {
  DEFAULT_PUBLIC_CACHE_CONTROL,
  type PublicCacheDirectives,
  publicCacheControl,
  publicCacheDirectives,
} from './cache-control.js'
import {
  type ConditionalHeaders,
  formatHttpDate,
  hasPreconditions,
  isNotModified,
} from './conditional.js'
import type { SurrogateKeyHeader } from './purger.js'
import { surrogateKeyHeaderValue } from './surrogate-keys.js'

/** The response an adapter sends: status, headers, and the JSON body (none for 304 and HEAD). */
export interface HttpResult {
  /** 200 with the body, or 304 Not Modified without it. */
  readonly status: 200 | 304
  /**
   * `ETag`, `Last-Modified`, `Cache-Control`, `Content-Type` and (on private routes) `Vary`, on
   * 304s too; on public routes with purgers, the surrogate-key header of each purger.
   */
  readonly headers: Readonly<Record<string, string>>
  /** The JSON body: on a hit, the stored text as is. `undefined` for 304 and HEAD. */
  readonly body: string | undefined
}

/**
 * How an HTTP adapter turns Garner's answer into its framework's response: injected by the
 * adapter when it creates the request-scoped identity, so that `identity.cacheOr304(loader)`
 * works in every framework while core imports none.
 */
export interface ResponseWriter<R> {
  /** Sends a 200 or 304 (copy status, headers and body onto the framework's response). */
  write(result: HttpResult): R | Promise<R>
  /** Answers "not found" the framework's way: the loader returned `undefined`. */
  notFound(): R | Promise<R>
}

/** Per-route response options. */
export interface RespondOptions {
  /**
   * `Cache-Control` of cached responses. Default {@link DEFAULT_CACHE_CONTROL}; on public routes,
   * `public, max-age=…` with `s-maxage` when shared caching applies and the `stale-while-revalidate`
   * and `stale-if-error` of the identity's freshness options (see {@link cacheControlFor}).
   */
  readonly cacheControl?: string
  /**
   * `Vary` of cached responses. Default {@link DEFAULT_VARY} on private routes, none on public
   * ones (their body is the same for every caller, so a shared cache keeps one copy).
   */
  readonly vary?: string
  /**
   * How long shared caches (a CDN, Varnish) may keep this public response, in milliseconds
   * (`s-maxage`, whole seconds). Default: `sharedMaxAge` of `createGarner`.
   */
  readonly sharedMaxAge?: number
}

/** What `respond` knows about the identity and the Garner instance besides the route options. */
export interface RespondContext {
  readonly isPublic: boolean
  readonly bindings: readonly NormalBinding[]
  /** The surrogate-key header of each purger (deduplicated by name). */
  readonly surrogateHeaders: readonly SurrogateKeyHeader[]
  /** Default `s-maxage` of public responses, in milliseconds; `undefined` for none. */
  readonly sharedMaxAge: number | undefined
}

/**
 * Clients keep the response but revalidate it on every use, so they always send If-None-Match and
 * usually get a 304 (the convention of Garner's `Cache::Bust`).
 */
export const DEFAULT_CACHE_CONTROL = 'private, max-age=0, must-revalidate'
/**
 * The same for routes declared public without a `ttl`: clients revalidate on every use, and
 * shared caches may keep them for `s-maxage` when one applies (see {@link cacheControlFor}).
 */
export { DEFAULT_PUBLIC_CACHE_CONTROL }
/** Responses vary by the credential headers (a per-user or per-role representation). */
export const DEFAULT_VARY = 'Authorization, Cookie'
/** The `Content-Type` of cached responses. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Headers that tell clients and proxies not to reuse a response (Garner's `Cache::Bust`), for
 * responses that set no `Cache-Control` of their own.
 */
export const CACHE_BUST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'private, max-age=0, must-revalidate',
  Expires: 'Fri, 01 Jan 1990 00:00:00 GMT',
})

/** Methods whose responses are cached; any other method runs the loader and is never cached. */
export const CACHEABLE_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD'])

/**
 * The default `Cache-Control` of a cached response. Private responses are revalidated on every
 * use and never kept by a shared cache. Public ones get {@link publicCacheControl}: without
 * `directives` (no `ttl`) clients revalidate on every use, and a shared cache may keep them for
 * `sharedMaxAge` seconds (`s-maxage`), which purges on invalidation keep exact; with the
 * directives of a `ttl` entry, `max-age` and the stale windows of the freshness options too.
 * Shared caches such as Varnish never keep an object whose lifetime is 0, so without `s-maxage`
 * they keep nothing longer than `max-age`.
 */
export function cacheControlFor(
  isPublic: boolean,
  sharedMaxAge: number | undefined,
  // Stryker disable next-line ObjectLiteral: publicCacheControl() reads nothing else when maxAge is undefined
  directives: PublicCacheDirectives = {
    maxAge: undefined,
    staleWhileRevalidate: 0,
    staleIfError: 0,
  },
): string {
  if (!isPublic) return DEFAULT_CACHE_CONTROL
  return publicCacheControl({
    ...directives,
    sharedMaxAge: (sharedMaxAge ?? 0) > 0 ? sharedMaxAge : undefined,
  })
}

/**
 * The headers every answer of a cached route shares (200, 304, HEAD): `Cache-Control`, `Vary` on
 * private routes, and the surrogate keys of public ones. A public response whose keys no header
 * can carry gets no `s-maxage`, so that no shared cache keeps what it could not purge; nor does
 * one keep it longer than Garner keeps it fresh. `now` is the engine's clock.
 */
export function sharedHeaders(
  plan: Plan,
  options: RespondOptions,
  context: RespondContext,
  answer: Resolved,
  now: number,
  headers: Record<string, string> = {},
): Record<string, string> {
  if (!context.isPublic) {
    headers['Cache-Control'] = options.cacheControl ?? DEFAULT_CACHE_CONTROL
    headers.Vary = options.vary ?? DEFAULT_VARY
    return headers
  }
  const { freshUntil } = answer.meta
  let sharedMaxAge = options.sharedMaxAge ?? context.sharedMaxAge
  // Garner reloads once the entry is no longer fresh: a shared cache must not keep it longer.
  // (A fresh entry without a ttl has freshUntil = Infinity, which leaves sharedMaxAge as it is.)
  // Stryker disable next-line ConditionalExpression: Math.min(undefined, …) is NaN, which cacheControlFor() also leaves without s-maxage
  if (sharedMaxAge !== undefined) {
    const staleFrom = answer.stale ? Math.min(now, freshUntil) : freshUntil
    sharedMaxAge = Math.min(sharedMaxAge, staleFrom - now)
  }
  for (const header of context.surrogateHeaders) {
    const value = surrogateKeyHeaderValue(context.bindings, header)
    if (value !== undefined) headers[header.name] = value
    else if (context.bindings.length > 0) sharedMaxAge = undefined
  }
  headers['Cache-Control'] =
    options.cacheControl ??
    cacheControlFor(
      true,
      sharedMaxAge === undefined ? undefined : Math.ceil(sharedMaxAge / 1000),
      publicCacheDirectives(freshUntil, answer.stale, plan.freshness, now),
    )
  if (options.vary !== undefined) headers.Vary = options.vary
  return headers
}

/** Answers `request` for `plan`; `undefined` when the loader returned `undefined` (not found). */
export async function respond(
  engine: Engine,
  plan: Plan,
  request: RequestInfo,
  loader: Loader<unknown>,
  options: RespondOptions,
  context: RespondContext,
): Promise<HttpResult | undefined> {
  const method = request.method.toUpperCase()
  if (!CACHEABLE_METHODS.includes(method)) {
    const value = await loader()
    if (value === undefined) return undefined
    return {
      status: 200,
      headers: { ...CACHE_BUST_HEADERS, 'Content-Type': JSON_CONTENT_TYPE },
      body: JSON.stringify(value),
    }
  }
  const conditions: ConditionalHeaders = {
    ifNoneMatch: request.header('if-none-match'),
    ifModifiedSince: request.header('if-modified-since'),
  }
  // A client that sends validators usually holds the current copy: read the small metadata
  // first, and the body only if it turns out to be needed.
  const wantBody = method === 'GET' && !hasPreconditions(conditions)
  let resolved: Resolved | undefined = await engine.lookup(
    plan,
    loader,
    wantBody
      ? // Stryker disable next-line StringLiteral: the engine tells only 'meta' and 'value' apart; any other want reads the body as 'body' does
        'body'
      : 'meta',
  )
  if (resolved === undefined) return undefined
  const now = Date.now()
  if (isNotModified(conditions, resolved.meta, now)) {
    return {
      status: 304,
      headers: answerHeaders(engine, plan, options, context, resolved, now),
      body: undefined,
    }
  }
  if (method === 'HEAD') {
    const headers = answerHeaders(engine, plan, options, context, resolved, now)
    headers['Content-Length'] = String(resolved.meta.size)
    return { status: 200, headers, body: undefined }
  }
  // The body may come from a reload with another version: its validators go with it.
  if (resolved.body === undefined) resolved = await engine.withBody(plan, loader, resolved)
  if (resolved === undefined) return undefined
  return {
    status: 200,
    headers: answerHeaders(engine, plan, options, context, resolved, now),
    body: resolved.body,
  }
}

/** The headers of an answer (200, 304 or HEAD), built as one object: this runs on every hit. */
function answerHeaders(
  engine: Engine,
  plan: Plan,
  options: RespondOptions,
  context: RespondContext,
  answer: Resolved,
  now: number,
): Record<string, string> {
  const { meta } = answer
  const headers: Record<string, string> = { ETag: meta.etag }
  sharedHeaders(plan, options, context, answer, engine.now(), headers)
  // On a 304 too: some servers (@hono/node-server) stamp text/plain on a response without a
  // Content-Type, and a cache updating its stored copy from the 304 could take that over.
  headers['Content-Type'] = JSON_CONTENT_TYPE
  // A Last-Modified ahead of the clock (a change within the same second) is withheld, as
  // RFC 9110 requires; the ETag still validates.
  if (meta.lastModified <= now) headers['Last-Modified'] = formatHttpDate(meta.lastModified)
  return headers
}
