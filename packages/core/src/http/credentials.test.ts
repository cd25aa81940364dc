// Per-credential partitions: which headers make one, and that each credential header counts.
import { describe, expect, it } from 'vitest'
import { sha256 } from '../keys/hash.js'
import type { RequestInfo } from '../keys/strategies/key-strategy.js'
import { partitionByCredentials } from './credentials.js'

function request(headers: Record<string, string>): RequestInfo {
  return { method: 'GET', path: '/', query: '', header: (name) => headers[name] }
}

const key = { path: '/' }

describe('partitionByCredentials', () => {
  it('leaves the key alone without credentials, or with empty credential headers', () => {
    expect(partitionByCredentials(key, request({}))).toBe(key)
    expect(partitionByCredentials(key, request({ authorization: '', cookie: '' }))).toBe(key)
  })

  it('digests every credential header in a fixed form, so processes sharing a store agree', () => {
    expect(partitionByCredentials(key, request({ authorization: 'Bearer a' }))).toEqual({
      path: '/',
      credentials: sha256('authorization:Bearer a\n'),
    })
    expect(
      partitionByCredentials(key, request({ authorization: 'Bearer a', cookie: 's=1' })),
    ).toEqual({ path: '/', credentials: sha256('authorization:Bearer a\ncookie:s=1\n') })
  })

  it('tells apart callers who share a cookie but not an authorization', () => {
    const ann = partitionByCredentials(key, request({ authorization: 'Bearer ann', cookie: 's=1' }))
    const bob = partitionByCredentials(key, request({ authorization: 'Bearer bob', cookie: 's=1' }))
    expect(ann.credentials).not.toBe(bob.credentials)
  })
})
