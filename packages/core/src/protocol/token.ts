// Generation tokens: values that are never reused, so a token that was replaced or lost can never
// come back and make an old entry look fresh again.
import { randomBytes } from 'node:crypto'

// 96 random bits per process, then a counter: unique across processes without coordination.
const prefix = randomBytes(12).toString('base64url')
let counter = 0

/** A fresh generation token, distinct from every token made before by any process. */
export function newToken(): string {
  counter += 1
  return `${prefix}${counter.toString(36)}`
}
