import { describe, expect, it } from 'vitest'
import { invalidationTokenKeys, normalizeBindings, readTokenKeys } from './binding.js'

describe('normalizeBindings', () => {
  it('reads every accepted form', () => {
    expect(normalizeBindings('Widget')).toEqual([{ model: 'Widget' }])
    expect(normalizeBindings(['Widget'])).toEqual([{ model: 'Widget' }])
    expect(normalizeBindings({ model: 'Widget' })).toEqual([{ model: 'Widget' }])
    expect(normalizeBindings(['Widget', 7])).toEqual([{ model: 'Widget', id: '"7"' }])
    expect(normalizeBindings({ model: 'Widget', id: '7' })).toEqual([
      { model: 'Widget', id: '"7"' },
    ])
    expect(normalizeBindings(['Widget', 7n])).toEqual([{ model: 'Widget', id: '"7"' }])
    expect(normalizeBindings([['Widget', 1], 'User', { model: 'Post', id: 2 }])).toEqual([
      { model: 'Widget', id: '"1"' },
      { model: 'User' },
      { model: 'Post', id: '"2"' },
    ])
    expect(normalizeBindings(['Widget', ['User', 1]])).toEqual([
      { model: 'Widget' },
      { model: 'User', id: '"1"' },
    ])
    expect(normalizeBindings(['Widget', 'User', 'Post'])).toHaveLength(3)
  })

  it('reads a two-element [string, string] array as one instance, as documented', () => {
    expect(normalizeBindings(['Widget', 'User'])).toEqual([{ model: 'Widget', id: '"User"' }])
  })

  it('reads composite ids canonically and never confuses them with string ids', () => {
    const [composite] = normalizeBindings(['Tag', { postId: 1, tagId: 2 }])
    const [reordered] = normalizeBindings(['Tag', { tagId: '2', postId: '1' }])
    const [text] = normalizeBindings(['Tag', '{"postId":"1","tagId":"2"}'])
    expect(reordered).toEqual(composite)
    expect(text).not.toEqual(composite)
  })

  it('refuses malformed bindings with a TypeError naming the path', () => {
    expect(() => normalizeBindings(['Widget', undefined] as never)).toThrow(
      'binding bind[1] is undefined',
    )
    expect(() => normalizeBindings([['Widget', 1], { model: '' }])).toThrow(
      'binding bind[1] has an empty model name',
    )
    expect(() => normalizeBindings(42 as never)).toThrow('binding bind is 42')
    expect(() => normalizeBindings(['Widget', { id: Symbol('x') }] as never)).toThrow(TypeError)
  })

  it('says in the error what a binding and an id may be', () => {
    const rule =
      "A binding is 'Model', ['Model'], ['Model', id] or { model, id }, or an array of these; an " +
      'id is a string, a number, a BigInt, or a plain object of those for a composite key.'
    // A second element that cannot be an id makes the array a list, whose item is then refused.
    expect(() => normalizeBindings(['W', true] as never)).toThrow(
      new TypeError(`Garner: binding bind[1] is boolean. ${rule}`),
    )
    expect(() => normalizeBindings(['W', null] as never)).toThrow(
      new TypeError(`Garner: binding bind[1] is null. ${rule}`),
    )
    expect(() => normalizeBindings([['W', 1], [['G', false]]] as never)).toThrow(
      'Garner: binding bind[1][0][1] is boolean.',
    )
  })

  it('refuses an empty composite id, which names no instance', () => {
    expect(() => normalizeBindings(['W', {}])).toThrow(
      'Garner: binding bind[1] is an empty object (a composite id names at least one field).',
    )
    expect(() => normalizeBindings({ model: 'W', id: { a: {} } } as never)).toThrow(
      'Garner: binding bind.id.a is an empty object',
    )
  })

  it('refuses a composite id nested too deeply, naming its path', () => {
    let id: unknown = 1
    for (let level = 0; level < 250; level++) id = { a: id }
    expect(() => normalizeBindings({ model: 'W', id } as never)).toThrow(
      /^Garner: binding bind\.id(\.a)+ is a value nested deeper than 200 levels\./,
    )
  })
})

describe('normalizeBindings: where one binding ends and a list begins', () => {
  it("reads ['W', { model: 'G' }] as two model bindings, not as an instance with a composite id", () => {
    expect(normalizeBindings(['W', { model: 'G' }])).toEqual([{ model: 'W' }, { model: 'G' }])
    expect(normalizeBindings(['W', { model: 'G', id: 1 }])).toEqual([
      { model: 'W' },
      { model: 'G', id: '"1"' },
    ])
  })

  it('reads three-element arrays as lists, and [model, undefined] as an error', () => {
    expect(() => normalizeBindings(['W', 1, 'G'] as never)).toThrow('binding bind[1] is 1')
    expect(normalizeBindings(['W', 'G', 'H'])).toEqual([
      { model: 'W' },
      { model: 'G' },
      { model: 'H' },
    ])
    expect(normalizeBindings([])).toEqual([])
    expect(normalizeBindings([[]] as never)).toEqual([])
  })

  it('refuses a { model, id } whose id is an array, a Date, null or a class instance', () => {
    expect(() => normalizeBindings({ model: 'W', id: [1, 2] } as never)).toThrow(
      'binding bind.id is an instance of Array',
    )
    expect(() => normalizeBindings({ model: 'W', id: new Date(0) } as never)).toThrow(
      'binding bind.id is an instance of Date',
    )
    expect(() => normalizeBindings({ model: 'W', id: null } as never)).toThrow(
      'binding bind.id is null',
    )
    expect(() => normalizeBindings({ model: 'W', id: new (class Key {})() } as never)).toThrow(
      'binding bind.id is an instance of Key',
    )
    expect(() => normalizeBindings({ model: 'W', id: { a: [1] } } as never)).toThrow(
      'binding bind.id.a is an instance of Array',
    )
    expect(() => normalizeBindings({ model: 'W', id: Number.NaN })).toThrow(
      'binding bind.id is NaN',
    )
    expect(() => normalizeBindings({ model: 'W', id: { a: Number.NaN } })).toThrow(
      'binding bind.id.a is NaN',
    )
    expect(() => normalizeBindings({ model: 'W', id: true } as never)).toThrow(
      'binding bind.id is boolean',
    )
  })

  it('names the path of a bad model and of a bad item inside a list', () => {
    expect(() => normalizeBindings({ model: 1 } as never)).toThrow('binding bind.model is 1')
    expect(() => normalizeBindings(['W', { model: 2 }] as never)).toThrow(
      'binding bind[1].model is 2',
    )
    expect(() =>
      normalizeBindings([
        ['W', 1],
        [['G', 2], 7],
      ] as never),
    ).toThrow('binding bind[1][1] is 7')
    expect(() => normalizeBindings([''])).toThrow('binding bind has an empty model name')
    expect(() => normalizeBindings(['W', ['', 1]])).toThrow(
      'binding bind[1] has an empty model name',
    )
    expect(() => normalizeBindings({ model: 'W', id: { a: Symbol('x') } } as never)).toThrow(
      'binding bind.id.a is a symbol',
    )
    expect(() => normalizeBindings(null as never)).toThrow('binding bind is null')
    expect(() => normalizeBindings({ id: 1 } as never)).toThrow('binding bind is an object')
  })

  it('reads ids as canonical text: scalars quoted, composite ids as objects of text', () => {
    expect(normalizeBindings({ model: 'W', id: 'a"b' })).toEqual([{ model: 'W', id: '"a\\"b"' }])
    expect(normalizeBindings({ model: 'W', id: -1.5 })).toEqual([{ model: 'W', id: '"-1.5"' }])
    expect(normalizeBindings({ model: 'W', id: { b: 2n, a: 'x' } })).toEqual([
      { model: 'W', id: '{"a":"x","b":"2"}' },
    ])
    expect(normalizeBindings(['W', Object.assign(Object.create(null), { a: 1 })])).toEqual([
      { model: 'W', id: '{"a":"1"}' },
    ])
  })
})

describe('token keys', () => {
  it('reads nothing without bindings, and sorts and deduplicates several', () => {
    expect(readTokenKeys('g', [])).toEqual([])
    expect(readTokenKeys('g', normalizeBindings('Widget'))).toEqual(['g:tm:"Widget"'])
    expect(readTokenKeys('g', normalizeBindings(['Widget', 2]))).toEqual([
      'g:ta:"Widget"',
      'g:ti:["Widget","2"]',
    ])
    expect(readTokenKeys('g', normalizeBindings(['B', 'A', 'B']))).toEqual(['g:tm:"A"', 'g:tm:"B"'])
    expect(
      readTokenKeys(
        'g',
        normalizeBindings([
          ['W', 2],
          ['W', 1],
        ]),
      ),
    ).toEqual(['g:ta:"W"', 'g:ti:["W","1"]', 'g:ti:["W","2"]'])
  })

  it('reads model tokens for models, instance and all tokens for instances, deduplicated', () => {
    const keys = readTokenKeys('g', normalizeBindings([['Widget', 1], 'Widget', ['Widget', 1]]))
    expect(keys).toEqual(['g:ta:"Widget"', 'g:ti:["Widget","1"]', 'g:tm:"Widget"'])
  })

  it('renews instance and model tokens for an instance write, model and all tokens for a model write', () => {
    expect(invalidationTokenKeys('g', 'Widget', '"1"')).toEqual([
      'g:ti:["Widget","1"]',
      'g:tm:"Widget"',
    ])
    expect(invalidationTokenKeys('g', 'Widget')).toEqual(['g:tm:"Widget"', 'g:ta:"Widget"'])
  })

  it('refuses a composite id that holds itself with a TypeError naming it', () => {
    const id: Record<string, unknown> = { tenant: 1 }
    id.self = id
    expect(() => normalizeBindings({ model: 'W', id } as never)).toThrow(
      /binding bind\.id\.self is a circular reference/,
    )
  })
})
