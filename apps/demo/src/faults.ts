// Fault injection for the demo's database: an outage switch and a fixed delay that the Prisma
// client checks on every operation. Set from the environment at start (DEMO_DB_DOWN,
// DEMO_DB_DELAY_MS) and, when DEMO_FAULTS=1, at run time through PUT /admin/database, so that the
// feed's freshness policies can be watched at work.

/** The database's injected faults, changed in place while the demo runs. */
export interface DatabaseFaults {
  /** Every database operation fails while this is set. */
  down: boolean
  /** Every database operation waits this many milliseconds first. */
  delayMs: number
  /** Operations refused because the database was down, since the start. */
  refused: number
}

/** What a client sends to PUT /admin/database (either member may be left out). */
export interface FaultChange {
  readonly down?: boolean
  readonly delayMs?: number
}

/** The error of every database operation during an injected outage. */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable'
  constructor() {
    super('The database is unavailable (an outage injected through the demo fault switch).')
  }
}

export function databaseFaults(initial: FaultChange = {}): DatabaseFaults {
  return { down: initial.down ?? false, delayMs: initial.delayMs ?? 0, refused: 0 }
}

/** What GET and PUT /admin/database answer. */
export function describeFaults(faults: DatabaseFaults): FaultChange & { refused: number } {
  return { down: faults.down, delayMs: faults.delayMs, refused: faults.refused }
}

/** Applies a PUT /admin/database body; an error message for a body it cannot take. */
export function changeFaults(
  faults: DatabaseFaults,
  text: string,
): { readonly ok: true } | { readonly ok: false; readonly error: string } {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, error: 'Send JSON: {"down": true} or {"delayMs": 500}' }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, error: 'Send a JSON object: {"down": true} or {"delayMs": 500}' }
  const { down, delayMs } = body as Record<string, unknown>
  if (down !== undefined && typeof down !== 'boolean')
    return { ok: false, error: 'down must be true or false' }
  if (
    delayMs !== undefined &&
    (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > 60_000)
  )
    return { ok: false, error: 'delayMs must be a whole number of milliseconds from 0 to 60000' }
  if (down !== undefined) faults.down = down
  if (delayMs !== undefined) faults.delayMs = delayMs
  return { ok: true }
}
