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
})

describe('token keys', () => {
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
})
