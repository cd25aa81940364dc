// Generation tokens: values that are never reused, so a token that was replaced or lost can never
// come back and make an old entry look fresh again.
import { base64url } from '../keys/sha256.js'

// 96 random bits per process, then a counter: unique across processes without coordination.
// Drawn on first use, not at import: Workers refuse random values outside a request.
let prefix: string | undefined
let counter = 0

/** A fresh generation token, distinct from every token made before by any process. */
export function newToken(): string {
  prefix ??= base64url(crypto.getRandomValues(new Uint8Array(12)), 12)
  counter += 1
  return `${prefix}${counter.toString(36)}`
}
