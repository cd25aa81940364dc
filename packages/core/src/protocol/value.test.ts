import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
