import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GarnerError } from '../errors.js'
import { deepFreeze, deserializeValue, serializeValue } from './value.js'

describe('serializeValue / deserializeValue', () => {
  it('round-trips JSON values exactly, with -0 read back as 0 as documented (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const { body, dates } = serializeValue(value)
        // JSON's own round trip is the contract: the same data, -0 written as 0.
        expect(deserializeValue(body, dates)).toStrictEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 500 },
    )
    expect(deserializeValue(serializeValue({ z: -0 }).body, [])).toStrictEqual({ z: 0 })
  })

  it('round-trips Dates anywhere in the value (property)', () => {
    const dated = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.date({ noInvalidDate: true }),
        fc.string(),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
      ),
    })).value
    fc.assert(
      fc.property(dated, (value) => {
        const { body, dates } = serializeValue(value)
        expect(deserializeValue(body, dates)).toEqual(value)
      }),
    )
  })

  it('produces the JSON body an HTTP client receives', () => {
    const value = { at: new Date('2026-01-02T03:04:05.000Z'), list: [1, 'two', null] }
    expect(serializeValue(value).body).toBe(
      '{"at":"2026-01-02T03:04:05.000Z","list":[1,"two",null]}',
    )
  })
})

describe('deepFreeze', () => {
  it('freezes objects and arrays at every depth, and leaves Dates usable', () => {
    const value = deepFreeze({ a: [{ b: 1 }], at: new Date(0) })
    expect(Object.isFrozen(value.a[0])).toBe(true)
    expect(value.at.getTime()).toBe(0)
  })
})

describe('serializeValue refusals', () => {
  const refusal = (path: string, what: string): GarnerError =>
    new GarnerError(
      'GARNER_UNSERIALIZABLE',
      `Garner cannot cache this value: ${path} is ${what}. Cached values are JSON data and Dates; ` +
        'convert the part first (for example a Map with Object.fromEntries, a BigInt with String) ' +
        'or return it from the loader in a JSON-compatible shape.',
    )

  it('refuses undefined and empty array items, which JSON would turn into null', () => {
    expect(() => serializeValue({ list: [1, undefined] })).toThrow(
      refusal('value.list[1]', 'undefined (JSON would turn it into null)'),
    )
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    expect(() => serializeValue([1, , 3])).toThrow(
      refusal('value[1]', 'undefined (JSON would turn it into null)'),
    )
    expect(() => serializeValue({ a: 1n })).toThrow(
      expect.objectContaining({ code: 'GARNER_UNSERIALIZABLE' }),
    )
  })

  it('accepts 200 levels of nesting and refuses 201', () => {
    const nested = (levels: number): unknown => {
      let value: unknown = 1
      for (let level = 0; level < levels; level++) value = [value]
      return value
    }
    expect(serializeValue(nested(200)).body).toBe(`${'['.repeat(200)}1${']'.repeat(200)}`)
    expect(() => serializeValue(nested(201))).toThrow(
      refusal(`value${'[0]'.repeat(200)}`, 'nested deeper than 200 levels'),
    )
  })

  // A library that adds an enumerable member to Object.prototype must not make every value
  // uncacheable: only a value's own members are its data.
  it('reads only own members, whatever Object.prototype carries', () => {
    const prototype = Object.prototype as Record<string, unknown>
    prototype.polluted = () => 'x'
    try {
      expect(serializeValue({ a: 1 }).body).toBe('{"a":1}')
    } finally {
      delete prototype.polluted
    }
  })
})
