import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createGarner, DEFAULT_KEY_STRATEGIES, type KeyPart } from './index.js'

// The same pipeline as the default one, but not the same objects: it takes the general path.
const lookalike = DEFAULT_KEY_STRATEGIES.map((strategy) => ({
  name: strategy.name,
  apply: strategy.apply,
}))

describe('identity plans', () => {
  it('key the default pipeline the same on its fast path and on the general path (property)', () => {
    const fast = createGarner({ namespace: 'n' })
    const general = createGarner({ namespace: 'n', keyStrategies: lookalike })
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer()))),
        (key, bindings) => {
          const fastIdentity = fast.key(key as KeyPart).bind(bindings)
          const generalIdentity = general.key(key as KeyPart).bind(bindings)
          expect(fastIdentity.describe()).toEqual(generalIdentity.describe())
          // A second plan for the same input comes from the key caches: still the same keys.
          expect(
            fast
              .key(key as KeyPart)
              .bind(bindings)
              .describe(),
          ).toEqual(generalIdentity.describe())
        },
      ),
    )
  })

  it('key a request identity the same from the request-key memo and from the pipeline (property)', () => {
    const fast = createGarner({ namespace: 'n' })
    const general = createGarner({ namespace: 'n', keyStrategies: lookalike })
    const text = fc.string({
      unit: fc.constantFrom('a', '/', '%', '2', 'F', '?', '=', '&', ' ', 'é'),
      maxLength: 8,
    })
    const request = fc.record({
      method: fc.constantFrom('GET', 'get', 'HEAD', 'POST'),
      path: text.map((path) => `/${path}`),
      query: text,
      authorization: fc.option(fc.constantFrom('Bearer 1', 'Bearer 2', '')),
      cookie: fc.option(fc.constantFrom('session=1', '')),
    })
    const declaration = fc.oneof(
      fc.constant({}),
      fc.constant({ public: true }),
      fc.record({ caller: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()) }),
    )
    fc.assert(
      fc.property(request, declaration, (input, declared) => {
        const info = {
          method: input.method,
          path: input.path,
          query: input.query,
          header: (name: string) =>
            (name === 'authorization'
              ? input.authorization
              : name === 'cookie'
                ? input.cookie
                : undefined) ?? undefined,
        }
        const build = (garner: typeof fast) => {
          let identity = garner.identity({ request: info }).bind(['User', 1])
          if ('public' in declared) identity = identity.options({ public: true })
          if ('caller' in declared) identity = identity.varyBy(declared.caller)
          return identity.describe()
        }
        const expected = build(general)
        expect(build(fast)).toEqual(expected)
        // Again, from the warm memo.
        expect(build(fast)).toEqual(expected)
      }),
      { numRuns: 2_000 },
    )
  })

  it('keeps keys apart across namespaces even when the key caches are warm', () => {
    const one = createGarner({ namespace: 'one' })
    const two = createGarner({ namespace: 'two' })
    expect(one.key('k').bind(['User', 1]).describe().key).toBe('one:e:{"key":"k"}')
    expect(two.key('k').bind(['User', 1]).describe().tokenKeys).toEqual([
      'two:ta:"User"',
      'two:ti:["User","1"]',
    ])
  })
})
