import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GarnerError } from '../errors.js'
import { copyValue, deepFreeze, deserializeValue, serializeValue } from './value.js'

/** The error a refused value raises, with its path and what it is. */
function refusal(path: string, what: string): GarnerError {
  return new GarnerError(
    'GARNER_UNSERIALIZABLE',
    `Garner cannot cache this value: ${path} is ${what}. Cached values are JSON data and Dates; ` +
      'convert the part first (for example a Map with Object.fromEntries, a BigInt with String) ' +
      'or return it from the loader in a JSON-compatible shape.',
  )
}

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

describe('copyValue', () => {
  it('estimates at least the length of the JSON text, for each kind of member', () => {
    for (const value of [
      'abc',
      true,
      false,
      1,
      null,
      new Date(0),
      [null, null, null],
      {},
      { a: null },
    ]) {
      expect(copyValue(value).textLength, JSON.stringify(value)).toBeGreaterThanOrEqual(
        JSON.stringify(value).length,
      )
    }
  })

  it('copies -0 as 0, as its JSON text says', () => {
    expect(Object.is(copyValue(-0).value, 0)).toBe(true)
    expect(Object.is((copyValue({ x: -0 }).value as { x: number }).x, 0)).toBe(true)
  })

  it('keeps a member named __proto__ as a member, not as the prototype', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as object
    const copy = copyValue(value).value as object
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"x":1},"a":2}')
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')).toMatchObject({
      value: { x: 1 },
      enumerable: true,
    })
  })

  it("lets a getter's own error through, rather than reporting the value as unserializable", () => {
    let reads = 0
    const value = {
      get flaky(): number {
        reads += 1
        if (reads === 1) throw new Error('the getter failed')
        return 1
      },
    }
    expect(() => copyValue(value)).toThrow('the getter failed')
  })

  it('refuses a value whose getter answers differently on a second read, naming no member', () => {
    let reads = 0
    const value = {
      get shifty(): number {
        reads += 1
        return reads === 1 ? Number.NaN : 1
      },
    }
    expect(() => copyValue(value)).toThrow(
      refusal('value', 'a value that changed while Garner read it'),
    )
  })

  it('names the refused member, whatever valid members come before it', () => {
    for (const before of [true, null, new Date(0), [1], undefined]) {
      expect(() => copyValue({ a: before, b: Number.NaN })).toThrow(refusal('value.b', 'NaN'))
    }
  })
})
