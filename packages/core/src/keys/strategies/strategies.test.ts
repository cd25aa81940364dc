import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeKey, type KeyPart } from '../key.js'
import { explicitKeyText } from './explicit-key.js'
import {
  DEFAULT_KEY_STRATEGIES,
  explicitKey,
  requestMethod,
  requestPath,
  requestQuery,
  version,
} from './index.js'
import type { RequestInfo } from './key-strategy.js'

const request = (method: string, path: string, query = ''): RequestInfo => ({
  method,
  path,
  query,
  header: () => undefined,
})

describe('built-in key strategies', () => {
  it('add nothing without a request, except the explicit key', () => {
    let key = {}
    for (const strategy of DEFAULT_KEY_STRATEGIES) key = strategy.apply(key, { key: 'k' })
    expect(key).toEqual({ key: 'k' })
  })

  it('add method, path and sorted query from the request', () => {
    const context = { request: request('get', '/users/1', 'b=2&a=1&a=0') }
    expect(requestMethod.apply({}, context)).toEqual({ method: 'GET' })
    expect(requestPath.apply({}, context)).toEqual({ path: '/users/1' })
    expect(requestQuery.apply({}, context)).toEqual({
      query: [
        ['a', '1'],
        ['a', '0'],
        ['b', '2'],
      ],
    })
  })

  it('key HEAD like GET, and keep encoded paths apart from decoded ones', () => {
    expect(requestMethod.apply({}, { request: request('HEAD', '/') })).toEqual({ method: 'GET' })
    expect(requestMethod.apply({}, { request: request('post', '/') })).toEqual({ method: 'POST' })
    expect(requestPath.apply({}, { request: request('GET', '/users/1%3Fa') })).toEqual({
      path: '/users/1%3Fa',
    })
  })

  it('sort query pairs by name in code-unit order, keeping repeated names in their order', () => {
    const query = 'c=1&a=1&b=1&a=2&c=0&B=3&b=0'
    expect(requestQuery.apply({}, { request: request('GET', '/', query) })).toEqual({
      query: [
        ['B', '3'],
        ['a', '1'],
        ['a', '2'],
        ['b', '1'],
        ['b', '0'],
        ['c', '1'],
        ['c', '0'],
      ],
    })
  })

  it('leave the key alone when there is no query', () => {
    expect(requestQuery.apply({ a: 1 }, { request: request('GET', '/') })).toEqual({ a: 1 })
  })

  it('add a fixed or computed version', () => {
    expect(version('v2').apply({}, {})).toEqual({ version: 'v2' })
    expect(version((context) => String(context.api)).apply({}, { api: 3 })).toEqual({
      version: '3',
    })
    // No `key` member at all (not one set to undefined): later strategies see the key as given.
    expect(explicitKey.apply({}, {})).toStrictEqual({})
    expect(Object.keys(explicitKey.apply({ a: 1 }, {}))).toEqual(['a'])
  })

  it('are named after the member they add', () => {
    expect(DEFAULT_KEY_STRATEGIES.map((strategy) => strategy.name)).toEqual([
      'key',
      'method',
      'path',
      'query',
    ])
    expect(version('v2').name).toBe('version')
  })
})

describe('explicitKeyText', () => {
  it('is the text of the key the explicitKey strategy builds, for every key part', () => {
    const part: fc.Arbitrary<KeyPart> = fc.letrec<{ part: KeyPart }>((tie) => ({
      part: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('part'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('part'), { maxKeys: 3 }),
      ),
    })).part
    fc.assert(
      fc.property(part, (value) => {
        const built = explicitKey.apply({}, { key: value })
        expect(explicitKeyText(encodeKey(value, 'key'))).toBe(encodeKey(built, ''))
      }),
    )
  })
})
