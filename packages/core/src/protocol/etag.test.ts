import { describe, expect, it } from 'vitest'
import { bodyHashEtag, canonicalHashEtag, computeEtag } from './etag.js'

describe('ETag strategies', () => {
  it('canonicalHashEtag ignores member order; bodyHashEtag does not', () => {
    const a = { value: { a: 1, b: 2 }, body: '{"a":1,"b":2}' }
    const b = { value: { b: 2, a: 1 }, body: '{"b":2,"a":1}' }
    expect(canonicalHashEtag(a)).toBe(canonicalHashEtag(b))
    expect(canonicalHashEtag(a)).toMatch(/^[0-9a-f]{32}$/)
    expect(bodyHashEtag(a)).not.toBe(bodyHashEtag(b))
    expect(bodyHashEtag(a)).toMatch(/^[0-9a-f]{32}$/)
    expect(canonicalHashEtag({ value: [1, 2], body: '' })).not.toBe(
      canonicalHashEtag({ value: [12], body: '' }),
    )
  })

  it('canonicalHashEtag refuses what it cannot hash, naming the path', () => {
    expect(() => canonicalHashEtag({ value: { a: new Map() }, body: '' })).toThrow(
      'Garner cannot hash value.a: it is an instance of Map.',
    )
    expect(() => canonicalHashEtag({ value: [Symbol('s')], body: '' })).toThrow(
      expect.objectContaining({ code: 'GARNER_UNSERIALIZABLE' }),
    )
  })
})

describe('computeEtag', () => {
  it('quotes what the strategy returns', () => {
    expect(computeEtag(() => 'abc', { value: 1, body: '1' })).toBe('"abc"')
    expect(computeEtag(() => '!~', { value: 1, body: '1' })).toBe('"!~"')
    expect(computeEtag(() => 'x'.repeat(200), { value: 1, body: '1' })).toBe(`"${'x'.repeat(200)}"`)
  })

  it('says what a tag must be when it refuses one', () => {
    expect(() => computeEtag(() => 'a b', { value: 1, body: '1' })).toThrow(
      'Garner: the ETag strategy returned "a b"; it must return 1 to 200 visible ASCII characters ' +
        'without double quotes (Garner adds the quotes).',
    )
  })

  it('refuses tags that are empty, too long, quoted, not visible ASCII or not strings', () => {
    for (const tag of ['', 'x'.repeat(201), 'a"b', 'a b', 'é', 'a\n', 42]) {
      expect(() => computeEtag(() => tag as string, { value: 1, body: '1' })).toThrow(
        expect.objectContaining({
          code: 'GARNER_INVALID_ETAG',
          message: expect.stringContaining(`returned ${JSON.stringify(tag)}`),
        }),
      )
    }
  })
})
