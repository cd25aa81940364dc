// Telling "the database cannot be reached" apart from every other failure, so that the routes
// answer it with 503 (retry later) rather than 500 (a bug), and what the 503 says.
/** A query failed because the database could not be reached (down, restarting, refusing). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DEMO_DATABASE_UNAVAILABLE'
  readonly status = 503

  constructor(cause: unknown) {
    super('The database is unavailable; retry in a moment.', { cause })
    this.name = 'DatabaseUnavailableError'
  }
}

// Prisma's codes for "cannot reach", "timed out", "closed the connection", "pool timeout" and
// "too many connections".
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037'])
// What the driver adapters report (`DriverAdapterError.cause.kind`).
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
])
// PostgreSQL's SQLSTATEs: class 08 (connection exception); 57P01 to 57P03 (the server shuts
// down, crashed, or is still starting); 53300 (too many connections). And socket errors.
const CODES = /^(08...|57P0[123]|53300|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/
// node-postgres reports some of these in words only.
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to/i

/** Whether `error`, or an error it wraps, says the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>()
  const pending: unknown[] = [error]
  while (pending.length > 0) {
    const current = pending.pop()
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    const { code, kind, originalCode, message, cause, meta } = current as Record<string, unknown>
    if (typeof code === 'string' && (PRISMA_CODES.has(code) || CODES.test(code))) return true
    if (typeof originalCode === 'string' && CODES.test(originalCode)) return true
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true
    if (typeof message === 'string' && MESSAGES.test(message)) return true
    pending.push(
      cause,
      meta,
      (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError,
    )
  }
  return false
}

/** What a route answers when the database is unavailable. */
export interface UnavailableAnswer {
  readonly status: 503
  readonly error: string
  readonly headers: { readonly 'Retry-After': string }
}

/** The 503 a route answers when the database is unavailable; undefined for any other error. */
export function unavailableAnswer(error: unknown): UnavailableAnswer | undefined {
  if (!(error instanceof DatabaseUnavailableError) && !isDatabaseUnavailable(error))
    return undefined
  return {
    status: 503,
    error: 'The database is unavailable; retry in a moment.',
    headers: { 'Retry-After': '1' },
  }
}
