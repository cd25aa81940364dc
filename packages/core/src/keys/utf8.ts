// UTF-8 without `node:buffer`, through the TextEncoder every runtime has: a body's byte length and
// the bytes a digest reads. Lone surrogates become U+FFFD (3 bytes), as in Buffer.byteLength.

const encoder = new TextEncoder()
// A scratch buffer for short texts, reused; longer texts get a buffer of their own, so a large
// body never pins its size in memory after the call.
// Stryker disable next-line ArithmeticOperator: a smaller limit sends more texts to encode(), which gives the same bytes
const SCRATCH_CHARS = 16 * 1024
// Made on first use, not at load: one module-level buffer less for a runtime that never measures.
let scratch: Uint8Array | undefined

/**
 * The UTF-8 bytes of `text`. For texts up to 16 Ki characters they are a view of a shared
 * buffer, valid until the next call: read them at once, never keep them.
 */
export function utf8Bytes(text: string): Uint8Array {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: encode() gives the same bytes as the scratch buffer; the limit only saves an allocation
  if (text.length > SCRATCH_CHARS) return encoder.encode(text)
  scratch ??= new Uint8Array(SCRATCH_CHARS * 3)
  return scratch.subarray(0, encoder.encodeInto(text, scratch).written)
}

/** The length of `text` in UTF-8 bytes (what `Content-Length` says of it). */
export function utf8Length(text: string): number {
  return utf8Bytes(text).length
}
