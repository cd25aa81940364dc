import { describe, expect, it } from 'vitest'
import { canonicalJson, childPath, describe as describeValue, isPlainObject } from './canonical.js'

const fail = (path: string, what: string): never => {
  throw new Error(`${path}: ${what}`)
}
const encode = (value: unknown): string => canonicalJson(value, fail)

describe('canonicalJson', () => {
  it('separates array items and object members, so neighbours never merge', () => {
    expect(encode([1, 2])).toBe('[1,2]')
    expect(encode([1, 2])).not.toBe(encode([12]))
    expect(encode(['a', 'b'])).not.toBe(encode(['ab']))
    expect(encode({ a: 1, b: 2 })).toBe('{"a":1,"b":2}')
    expect(encode({ b: [true], a: null })).toBe('{"a":null,"b":[true]}')
  })

  it('writes booleans as true and false, never as nothing', () => {
    expect(encode([true])).toBe('[true]')
    expect(encode([false])).toBe('[false]')
    expect(encode([true])).not.toBe(encode([]))
    expect(encode([false])).not.toBe(encode([]))
    expect(encode(true)).not.toBe(encode(false))
  })

  it('writes numbers as JSON does, -0 as 0, and refuses what JSON cannot hold', () => {
    expect(encode(-0)).toBe('0')
    expect(encode(0)).toBe('0')
    expect(encode(-1.5)).toBe('-1.5')
    expect(encode(1e21)).toBe('1e+21')
    expect(() => encode(Number.NaN)).toThrow('key: NaN')
    expect(() => encode(Number.POSITIVE_INFINITY)).toThrow('key: Infinity')
    expect(() => encode(Number.NEGATIVE_INFINITY)).toThrow('key: -Infinity')
  })

  it('writes Dates as @ and their ISO time, and refuses invalid ones', () => {
    expect(encode(new Date(0))).toBe('@1970-01-01T00:00:00.000Z')
    expect(() => encode(new Date(Number.NaN))).toThrow('key: an invalid Date')
  })

  it('leaves out undefined members, and only those', () => {
    expect(encode({ a: undefined, b: 1, c: undefined })).toBe('{"b":1}')
    expect(encode({ a: undefined })).toBe('{}')
    expect(encode({ a: null })).toBe('{"a":null}')
  })

  it('accepts the same value twice side by side: only cycles are refused', () => {
    const shared = { x: 1 }
    expect(encode([shared, shared])).toBe('[{"x":1},{"x":1}]')
    expect(encode({ a: [1], b: [1] })).toBe('{"a":[1],"b":[1]}')
  })

  it('refuses what is not JSON-like, naming the path', () => {
    expect(() => encode({ a: new Map() })).toThrow('key.a: an instance of Map')
    expect(() => encode([1n])).toThrow('key[0]: a BigInt')
    expect(() => encode({ 'a b': undefined, c: [() => 1] })).toThrow('key.c[0]: a function')
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    expect(() => encode([, 1])).toThrow('key[0]: an empty array slot')
  })

  it('nests up to 200 levels and no deeper', () => {
    let ok: unknown = 1
    for (let level = 0; level < 200; level++) ok = [ok]
    expect(() => encode(ok)).not.toThrow()
    expect(() => encode([ok])).toThrow('nested deeper than 200 levels')
    let object: unknown = 1
    for (let level = 0; level < 201; level++) object = { a: object }
    expect(() => encode(object)).toThrow('nested deeper than 200 levels')
  })
})

describe('canonicalJson refusals', () => {
  it('names the refused part, whatever valid members come before it', () => {
    for (const before of [true, null, new Date(0), [1], undefined]) {
      expect(() => encode({ a: before, b: Number.NaN })).toThrow('key.b: NaN')
    }
    // With two refused members, the first in key order is named.
    expect(() => encode({ b: Number.NaN, a: Number.NaN })).toThrow('key.a: NaN')
    expect(() => encode([1, undefined])).toThrow('key[1]: undefined')
  })

  it("lets a getter's own error through, rather than reporting the value as unsupported", () => {
    let reads = 0
    const value = {
      get flaky(): number {
        reads += 1
        if (reads === 1) throw new Error('the getter failed')
        return 1
      },
    }
    expect(() => encode(value)).toThrow('the getter failed')
  })
})

describe('isPlainObject', () => {
  it('is true for literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    expect(isPlainObject([])).toBe(false)
    expect(isPlainObject(new Date(0))).toBe(false)
    expect(isPlainObject(new (class Point {})())).toBe(false)
  })
})

describe('childPath', () => {
  it('uses dots for identifiers and quoted brackets otherwise', () => {
    expect(childPath('key', 'a')).toBe('key.a')
    expect(childPath('key', '_$a1')).toBe('key._$a1')
    expect(childPath('', 'a')).toBe('a')
    expect(childPath('key', '1a')).toBe('key["1a"]')
    expect(childPath('key', 'a-b')).toBe('key["a-b"]')
    expect(childPath('key', 'a b')).toBe('key["a b"]')
    expect(childPath('key', '')).toBe('key[""]')
  })
})

describe('describe', () => {
  it('names every kind of value', () => {
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(() => 1)).toBe('a function')
    expect(describeValue(Symbol('s'))).toBe('a symbol')
    expect(describeValue(1n)).toBe('a BigInt')
    expect(describeValue(Number.NaN)).toBe('NaN')
    expect(describeValue(42)).toBe('42')
    expect(describeValue(null)).toBe('null')
    expect(describeValue({})).toBe('an object')
    expect(describeValue(Object.create(null))).toBe('an object')
    expect(describeValue(new (class Point {})())).toBe('an instance of Point')
    expect(describeValue(new (class {})())).toBe('an object')
    expect(describeValue('s')).toBe('string')
    expect(describeValue(true)).toBe('boolean')
  })
})
