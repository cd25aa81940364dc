// The routes every HTTP server of the bench serves, shared by the servers and the load generator.

export type Framework = 'hono' | 'express'
export const FRAMEWORKS: readonly Framework[] = ['hono', 'express']

export const PATHS = {
  /** The data as a constant JSON string: the limit (no work but the framework's). */
  constant: '/constant',
  /**
   * The constant with the five headers a Garner 200 carries (fixed values): separates what the
   * framework charges for sending validators from what Garner's lookup costs.
   */
  constantHeaders: '/constant-headers',
  /**
   * Garner's identity middleware, then the constant with those headers, without a cache lookup:
   * what the adapter's per-request setup costs, apart from Garner's lookup.
   */
  identityOnly: '/identity-only',
  /** The data loaded from SQLite through Prisma on every request, no cache. */
  prisma: '/prisma',
  /** The same data through Garner's `cacheOr304`. */
  garner: '/garner',
  /** The peer: apicache on Express, Hono's etag middleware on Hono (both over the Prisma route). */
  peer: '/peer',
} as const

/** What a server child sends its parent when it is listening. */
export interface ServerReady {
  readonly port: number
  /** Bytes of the JSON body every route answers with. */
  readonly bodyBytes: number
}

export function isServerReady(message: unknown): message is ServerReady {
  return typeof message === 'object' && message !== null && 'port' in message
}

/** The peer middleware of each framework, as the report names it. */
export const PEER_NAME: Readonly<Record<Framework, string>> = {
  express: 'apicache',
  hono: 'hono/etag',
}

/** The headers of a Garner 200, with fixed values (see `PATHS.constantHeaders`). */
export function validatorHeaders(): Record<string, string> {
  return {
    ETag: '"f19c6cddd6a3f1539bf86f30b448ba8e"',
    'Cache-Control': 'private, max-age=0, must-revalidate',
    Vary: 'Authorization, Cookie',
    'Content-Type': 'application/json; charset=utf-8',
    'Last-Modified': 'Sat, 21 Nov 2026 17:15:50 GMT',
  }
}
