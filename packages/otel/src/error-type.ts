// OpenTelemetry's `error.type` for an error: low-cardinality, so a code or a class name, never a message.

/** A GarnerError's (or any error's) string `code`, else its class name, else `_OTHER`. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return code
    if (error instanceof Error) return error.constructor.name || error.name
  }
  return '_OTHER'
}
