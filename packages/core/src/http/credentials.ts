// Safe by default: a request that carries credentials is cached per credential, unless the route
// says how responses vary between callers (a key strategy that identifies the caller) or that it
// is public. Responses can then never cross from one user to another through a shared entry.
import { sha256 } from '../keys/hash.js'
import type { KeyObject, RequestInfo } from '../keys/strategies/key-strategy.js'

/** The request headers that identify a caller. */
export const CREDENTIAL_HEADERS: readonly string[] = Object.freeze(['authorization', 'cookie'])

/**
 * The key with a `credentials` member (a digest of the credential headers) when the request
 * carries any; the key unchanged otherwise.
 */
export function partitionByCredentials(key: KeyObject, request: RequestInfo): KeyObject {
  let material: string | undefined
  for (const name of CREDENTIAL_HEADERS) {
    const value = request.header(name)
    if (value !== undefined && value !== '') material = `${material ?? ''}${name}:${value}\n`
  }
  return material === undefined ? key : { ...key, credentials: sha256(material) }
}
