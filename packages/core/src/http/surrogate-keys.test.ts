import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeBindings } from '../protocol/binding.js'
import {
  MAX_SURROGATE_KEY_LENGTH,
  purgeKeys,
  surrogateKeyHeaderValue,
  surrogateKeys,
} from './surrogate-keys.js'

const header = { name: 'xkey', separator: ' ', maxLength: 8_000 } as const

describe('surrogate keys', () => {
  it('tags an instance binding with the instance and any-instance keys, a model binding with the model key', () => {
    expect(surrogateKeys(['User', 42])).toEqual(['User:42', 'User:*'])
    expect(surrogateKeys('User')).toEqual(['User'])
    expect(surrogateKeys([['User', 1], ['User', '1'], 'Post', { model: 'Post', id: 7 }])).toEqual([
      'User:1',
      'User:*',
      'Post',
      'Post:7',
      'Post:*',
    ])
  })

  it('purges with the same hierarchy as invalidate()', () => {
    expect(purgeKeys('User', 42)).toEqual(['User:42', 'User'])
    expect(purgeKeys('User')).toEqual(['User', 'User:*'])
  })

  it('reaches exactly the responses the cache itself makes stale (property)', () => {
    const model = fc.constantFrom('User', 'Post')
    const id = fc.constantFrom(1, 2, 'a b', 'é')
    const binding = fc.oneof(model, fc.tuple(model, id))
    fc.assert(
      fc.property(
        fc.array(binding, { minLength: 1, maxLength: 4 }),
        model,
        fc.option(id),
        (bindings, written, writtenId) => {
          const tags = new Set(surrogateKeys(bindings as never))
          const purged = purgeKeys(written, writtenId ?? undefined).some((key) => tags.has(key))
          // Garner's rule: an instance write stales the instance and the model bindings; a model
          // write stales every binding of the model.
          const stale = normalizeBindings(bindings as never).some(
            (b) =>
              b.model === written &&
              (writtenId === null ||
                b.id === undefined ||
                b.id === JSON.stringify(String(writtenId))),
          )
          expect(purged).toBe(stale)
        },
      ),
    )
  })

  it('percent-encodes what a header cannot carry, so keys never collide or split', () => {
    const [key] = surrogateKeys(['Us er,x', 'a:b*c%d é'])
    expect(key).toBe('Us%20er%2Cx:a%3Ab%2Ac%25d%20%C3%A9')
    expect(key).toMatch(/^[\x21-\x7e]+$/)
    expect(surrogateKeys([['A', 'b:c']])[0]).not.toBe(surrogateKeys([['A:b', 'c']])[0])
    // Composite ids: fields in canonical order.
    expect(surrogateKeys([['Membership', { userId: 1, orgId: 'x y' }]])[0]).toBe(
      'Membership:orgId=x%20y;userId=1',
    )
  })

  it('hashes keys longer than the limit, the same way for tagging and purging', () => {
    const long = 'x'.repeat(200)
    const [key] = surrogateKeys(['User', long])
    expect(key).toMatch(/^#[0-9a-f]{32}$/)
    expect(key!.length).toBeLessThanOrEqual(MAX_SURROGATE_KEY_LENGTH)
    expect(purgeKeys('User', long)[0]).toBe(key)
  })

  it('coarsens the largest models to their model key when the header would be too long', () => {
    const bindings = normalizeBindings([
      ...Array.from({ length: 2_000 }, (_, i) => ['Post', i] as const),
      ['User', 1],
    ])
    const value = surrogateKeyHeaderValue(bindings, header)!
    expect(value.length).toBeLessThanOrEqual(header.maxLength)
    expect(value.split(' ')).toEqual(['Post', 'User:1', 'User:*'])
    // Still purged by any write to a Post, and by a write to User 1.
    expect(purgeKeys('Post', 5).some((key) => value.split(' ').includes(key))).toBe(true)
    expect(purgeKeys('Post').some((key) => value.split(' ').includes(key))).toBe(true)
    expect(purgeKeys('User', 1).some((key) => value.split(' ').includes(key))).toBe(true)
  })

  it('gives up (undefined) when even model keys do not fit, and joins with the header separator', () => {
    const many = normalizeBindings(Array.from({ length: 50 }, (_, i) => `Model${i}`))
    expect(surrogateKeyHeaderValue(many, { ...header, maxLength: 40 })).toBeUndefined()
    expect(
      surrogateKeyHeaderValue(normalizeBindings(['A', ['B', 1]]), { ...header, separator: ',' }),
    ).toBe('A,B:1,B:*')
    expect(surrogateKeyHeaderValue([], header)).toBeUndefined()
  })

  it('pads a percent-encoded byte to two hex digits', () => {
    expect(surrogateKeys([['A', 'a\nb\u007f']])[0]).toBe('A:a%0Ab%7F')
  })

  it('keeps a key of exactly the limit as it is, and hashes one a character longer', () => {
    const atLimit = surrogateKeys([['U', 'x'.repeat(MAX_SURROGATE_KEY_LENGTH - 2)]])[0]!
    expect(atLimit).toBe(`U:${'x'.repeat(MAX_SURROGATE_KEY_LENGTH - 2)}`)
    expect(surrogateKeys([['U', 'x'.repeat(MAX_SURROGATE_KEY_LENGTH - 1)]])[0]).toMatch(
      /^#[0-9a-f]{32}$/,
    )
  })

  it('refuses purgeKeys() without a model name, and names a bad id', () => {
    for (const model of ['', 42, undefined]) {
      expect(() => purgeKeys(model as never)).toThrow(
        new TypeError(`Garner: purgeKeys() needs a model name; got ${JSON.stringify(model)}.`),
      )
    }
    expect(() => purgeKeys('User', null as never)).toThrow(/^Garner: binding id is null\./)
  })

  it('uses a list exactly as long as the header allows, full or coarsened', () => {
    const bindings = normalizeBindings(['A', ['B', 1]])
    expect(surrogateKeyHeaderValue(bindings, { ...header, maxLength: 9 })).toBe('A B:1 B:*')
    expect(surrogateKeyHeaderValue(bindings, { ...header, maxLength: 8 })).toBe('A B')
    expect(surrogateKeyHeaderValue(bindings, { ...header, maxLength: 3 })).toBe('A B')
    expect(surrogateKeyHeaderValue(bindings, { ...header, maxLength: 2 })).toBeUndefined()
  })

  it('coarsens the model with the most instance bindings first, whatever the order', () => {
    // Full: `A:1 A:* B:1 B:* B:2` (19). B has two instances, A one: B goes first.
    for (const order of [
      [
        ['A', 1],
        ['B', 1],
        ['B', 2],
      ],
      [
        ['B', 1],
        ['A', 1],
        ['B', 2],
      ],
    ] as const) {
      expect(surrogateKeyHeaderValue(normalizeBindings(order), { ...header, maxLength: 13 })).toBe(
        order[0][0] === 'A' ? 'A:1 A:* B' : 'B A:1 A:*',
      )
    }
    // A model binding is no instance: `A` and `A:1` count one for A, two for B.
    expect(
      surrogateKeyHeaderValue(normalizeBindings(['A', ['A', 1], ['B', 1], ['B', 2]]), {
        ...header,
        maxLength: 11,
      }),
    ).toBe('A A:1 A:* B')
  })
})
