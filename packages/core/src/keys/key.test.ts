import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeKey, type KeyPart, MAX_PLAIN_KEY_LENGTH, storedKey } from './key.js'

// Small alphabets make equal and near-equal keys common, so collisions would be found.
const text = fc.string({
  unit: fc.constantFrom('a', 'b', ':', '"', ',', '[', ']', '{', '}', '@', '\\'),
  maxLength: 4,
})
const keyPart: fc.Arbitrary<KeyPart> = fc.letrec<{ part: KeyPart }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer({ min: -2, max: 2 }),
    // Multi-digit numbers too: [1,2] and [12] must differ, so the separators are exercised.
    fc.integer({ min: -120, max: 120 }),
    fc.constantFrom(0.5, 1e21, -1e-7),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(new Date(0), new Date(1_000)),
    fc.array(tie('part'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'a:b', ''), tie('part'), {
      maxKeys: 3,
      noNullPrototype: true,
    }),
  ),
})).part

describe('encodeKey', () => {
  it('gives two keys the same text exactly when they are equal (property)', () => {
    fc.assert(
      fc.property(keyPart, keyPart, (left, right) => {
        expect(encodeKey(left) === encodeKey(right)).toBe(isDeepStrictEqual(left, right))
      }),
      { numRuns: 5_000 },
    )
  })

  it('ignores the order of object members (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(text, keyPart, { maxKeys: 6 }), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse())
        expect(encodeKey(reversed)).toBe(encodeKey(object))
      }),
    )
  })

  it('keeps separators inside strings from faking structure', () => {
    expect(encodeKey(['a:b', 'c'])).not.toBe(encodeKey(['a', 'b:c']))
    expect(encodeKey('1')).not.toBe(encodeKey(1))
    expect(encodeKey(new Date(0))).not.toBe(encodeKey('1970-01-01T00:00:00.000Z'))
    expect(encodeKey('@1970-01-01T00:00:00.000Z')).not.toBe(encodeKey(new Date(0)))
  })

  it('leaves out undefined members and writes -0 as 0', () => {
    expect(encodeKey({ a: 1, b: undefined })).toBe(encodeKey({ a: 1 }))
    expect(encodeKey(-0)).toBe(encodeKey(0))
  })

  it('names the path of an unsupported part', () => {
    expect(() => encodeKey({ a: [1, { f: () => 1 }] })).toThrow('key.a[1].f is a function')
    expect(() => encodeKey({ 'odd name': Symbol('x') })).toThrow('key["odd name"] is a symbol')
    expect(() => encodeKey([undefined])).toThrow('key[0] is undefined')
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    expect(() => encodeKey([1, , 3])).toThrow('key[1] is an empty array slot')
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    expect(() => encodeKey(cyclic)).toThrow('key.self is a circular reference')
    let deep: unknown = 1
    for (let level = 0; level < 300; level++) deep = [deep]
    expect(() => encodeKey(deep)).toThrow(/nested deeper than 200 levels/)
  })

  it('throws a TypeError that says what keys are made of and how to convert a part', () => {
    expect(() => encodeKey(10n)).toThrow(TypeError)
    expect(() => encodeKey(10n)).toThrow(
      'Garner: key is a BigInt, which cannot be part of a cache key. Keys are made of strings, ' +
        'numbers, booleans, null, Dates, and arrays or plain objects of these: convert the part ' +
        '(for example with String(x) or x.id) before passing it.',
    )
  })
})

describe('storedKey', () => {
  it('stores short keys readably and long keys as a digest of bounded length', () => {
    expect(storedKey('app', 'e', '{"key":"a"}')).toBe('app:e:{"key":"a"}')
    const long = `"${'x'.repeat(MAX_PLAIN_KEY_LENGTH)}"`
    const stored = storedKey('app', 'e', long)
    expect(stored).toMatch(/^app:e:#[A-Za-z0-9_-]{43}$/)
    expect(storedKey('app', 'e', `${long} `)).not.toBe(stored)
  })

  it('keeps a canonical text of exactly the limit as it is', () => {
    const atLimit = 'x'.repeat(MAX_PLAIN_KEY_LENGTH)
    expect(storedKey('app', 'e', atLimit)).toBe(`app:e:${atLimit}`)
    expect(storedKey('app', 'e', `${atLimit}x`)).toMatch(/^app:e:#/)
  })
})
