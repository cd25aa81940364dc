// Redis Cluster's key-to-slot rule (CRC16/XMODEM of the key, or of its hash tag, modulo 16384),
// so that Garner can group the keys of one hit by node before it sends anything.

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384

const TABLE = buildTable()
const UTF8 = new TextEncoder()

function buildTable(): Uint16Array {
  const table = new Uint16Array(256)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1
    table[byte] = crc & 0xffff
  }
  return table
}

/** The slot Redis Cluster assigns to `key`: the hash tag (`{…}`) when there is a non-empty one. */
export function clusterSlot(key: string): number {
  const open = key.indexOf('{')
  if (open >= 0) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) key = key.slice(open + 1, close)
  }
  let crc = 0
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index)
    // Beyond ASCII the UTF-8 bytes differ from the UTF-16 units: hash the encoded bytes.
    // Stryker disable next-line ConditionalExpression, EqualityOperator: for ASCII (0x7f included) the UTF-8 bytes are the code units, so the byte path gives the same slot
    if (code > 0x7f) return slotOfBytes(UTF8.encode(key))
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ code) & 0xff]!
  }
  return crc % CLUSTER_SLOTS
}

function slotOfBytes(bytes: Uint8Array): number {
  let crc = 0
  for (let index = 0; index < bytes.length; index++)
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[index]!) & 0xff]!
  return crc % CLUSTER_SLOTS
}

/**
 * A hash tag for an entry: 32 bits of FNV-1a of its key, so that the entry's metadata and body
 * share a slot (one MGET, one node) while entries spread evenly over the cluster.
 */
export function entryHashTag(entryKey: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < entryKey.length; index++) {
    hash ^= entryKey.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return `{${(hash >>> 0).toString(36)}}`
}
