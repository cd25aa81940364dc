// SHA-256 (FIPS 180-4) in plain TypeScript: synchronous (Web Crypto's digest is async) and free of
// `node:crypto`, so Garner's digests run and agree on every runtime (Node, Bun, Deno, Workers).
import { utf8Bytes } from './utf8.js'

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
])

// Scratch state, reused: a digest runs synchronously, start to end, so one set is enough.
const state = new Int32Array(8)
const schedule = new Int32Array(64)
const tail = new Uint8Array(128)
const digestBytes = new Uint8Array(32)

/** SHA-256 of `bytes[0, length)` into `digestBytes`. */
function digest(bytes: Uint8Array, length: number): Uint8Array {
  state.set(INITIAL)
  const whole = length - (length % 64)
  for (let offset = 0; offset < whole; offset += 64) compress(bytes, offset)
  // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian number.
  const rest = length - whole
  tail.fill(0)
  tail.set(bytes.subarray(whole, length))
  tail[rest] = 0x80
  const tailLength = rest < 56 ? 64 : 128
  const bits = length * 8
  // Stryker disable ArithmeticOperator: the high length bytes are 0 below 512 MiB of text, so writing them elsewhere (or out of the buffer) changes nothing a key or a body can reach
  const high = Math.floor(bits / 0x100000000)
  tail[tailLength - 8] = high >>> 24
  tail[tailLength - 7] = high >>> 16
  tail[tailLength - 6] = high >>> 8
  tail[tailLength - 5] = high
  // Stryker restore ArithmeticOperator
  tail[tailLength - 4] = bits >>> 24
  tail[tailLength - 3] = bits >>> 16
  tail[tailLength - 2] = bits >>> 8
  tail[tailLength - 1] = bits
  compress(tail, 0)
  if (tailLength === 128) compress(tail, 64)
  // Stryker disable next-line EqualityOperator: a ninth step writes past the end of the 32-byte digest, which a typed array ignores
  for (let index = 0; index < 8; index++) {
    const word = state[index]!
    digestBytes[index * 4] = word >>> 24
    digestBytes[index * 4 + 1] = word >>> 16
    digestBytes[index * 4 + 2] = word >>> 8
    digestBytes[index * 4 + 3] = word
  }
  return digestBytes
}

/** One 64-byte block into `state`. */
function compress(block: Uint8Array, offset: number): void {
  const w = schedule
  // Stryker disable next-line EqualityOperator: a seventeenth step fills w[16], which the next loop computes again
  for (let index = 0, at = offset; index < 16; index++, at += 4) {
    w[index] = (block[at]! << 24) | (block[at + 1]! << 16) | (block[at + 2]! << 8) | block[at + 3]!
  }
  // Stryker disable next-line EqualityOperator: a step past the end writes w[64], beyond the 64-word schedule, which a typed array ignores
  for (let index = 16; index < 64; index++) {
    const x = w[index - 15]!
    const y = w[index - 2]!
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    w[index] = (w[index - 16]! + s0 + w[index - 7]! + s1) | 0
  }
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let e = state[4]!
  let f = state[5]!
  let g = state[6]!
  let h = state[7]!
  for (let index = 0; index < 64; index++) {
    const t1 =
      (h +
        (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        (g ^ (e & (f ^ g))) +
        K[index]! +
        w[index]!) |
      0
    const t2 =
      ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) | (c & (a | b)))) |
      0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
  state[4] = (state[4]! + e) | 0
  state[5] = (state[5]! + f) | 0
  state[6] = (state[6]! + g) | 0
  state[7] = (state[7]! + h) | 0
}

/** SHA-256 of `text` (UTF-8), base64url, 43 characters. */
export function pureSha256(text: string): string {
  const bytes = utf8Bytes(text)
  return base64url(digest(bytes, bytes.length), 32)
}

/** The first 128 bits of SHA-256 of `text` (UTF-8), hex, 32 characters. */
export function pureSha256Hex128(text: string): string {
  const bytes = utf8Bytes(text)
  const hash = digest(bytes, bytes.length)
  let hex = ''
  for (let index = 0; index < 16; index++) hex += HEX[hash[index]!]
  return hex
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
)
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** `bytes[0, length)` in base64url without padding (RFC 4648, section 5). */
export function base64url(bytes: Uint8Array, length: number): string {
  let text = ''
  let index = 0
  for (; index + 3 <= length; index += 3) {
    const n = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!
    text +=
      BASE64URL[n >>> 18]! +
      BASE64URL[(n >>> 12) & 63]! +
      BASE64URL[(n >>> 6) & 63]! +
      BASE64URL[n & 63]!
  }
  const rest = length - index
  if (rest === 1) {
    const n = bytes[index]!
    text += BASE64URL[n >>> 2]! + BASE64URL[(n & 3) << 4]!
  } else if (rest === 2) {
    const n = (bytes[index]! << 8) | bytes[index + 1]!
    text += BASE64URL[n >>> 10]! + BASE64URL[(n >>> 4) & 63]! + BASE64URL[(n & 15) << 2]!
  }
  return text
}
