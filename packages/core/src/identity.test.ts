import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createGarner,
  DEFAULT_KEY_STRATEGIES,
  type KeyPart,
  type KeyStrategy,
  type RequestInfo,
  type ResponseWriter,
} from './index.js'

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

const requestFor = (
  path: string,
  query = '',
  headers: Readonly<Record<string, string>> = {},
): RequestInfo => ({
  method: 'GET',
  path,
  query,
  header: (name) => headers[name],
})

describe('identity keys', () => {
  const garner = createGarner({ namespace: 'n' })

  it('accumulate key parts and bindings in call order', () => {
    expect(garner.key('a').key('b').describe().key).toBe('n:e:{"key":["a","b"]}')
    expect(garner.identity().key('a').key('b').key('c').describe().key).toBe(
      'n:e:{"key":["a","b","c"]}',
    )
    expect(garner.key('a').bind(['User', 1]).bind('Post').describe().tokenKeys).toEqual(
      garner
        .bind([['User', 1], 'Post'])
        .key('a')
        .describe().tokenKeys,
    )
  })

  it('read a key part when they are planned, not a part remembered from an earlier identity', () => {
    const part = ['a']
    expect(garner.key(part).describe().key).toBe('n:e:{"key":["a"]}')
    part.push('b')
    expect(garner.key(part).describe().key).toBe('n:e:{"key":["a","b"]}')
  })

  it('carry the varyBy part, with or without a request', () => {
    expect(garner.key('k').varyBy('admin').describe().key).toBe('n:e:{"caller":"admin","key":"k"}')
    expect(
      garner
        .identity({ request: requestFor('/a') })
        .varyBy('admin')
        .describe().key,
    ).toBe(
      garner
        .identity({ request: requestFor('/a') })
        .varyBy('admin')
        .describe().key,
    )
    expect(
      garner
        .identity({ request: requestFor('/a') })
        .varyBy('admin')
        .describe().key,
    ).not.toBe(
      garner
        .identity({ request: requestFor('/a') })
        .varyBy('user')
        .describe().key,
    )
  })

  it('name the caller part that cannot be encoded', () => {
    const bad = (() => 1) as unknown as string
    expect(() => garner.key('k').varyBy(bad).describe()).toThrow(/^Garner: caller is a function/)
    expect(() =>
      garner
        .identity({ request: requestFor('/a') })
        .varyBy(bad)
        .describe(),
    ).toThrow(/^Garner: caller is a function/)
  })

  it('key a request identity with explicit parts by the request and the parts', () => {
    const keyOf = (path: string, part: string): string =>
      garner
        .identity({ request: requestFor(path) })
        .key(part)
        .describe().key
    expect(keyOf('/a', 'x')).not.toBe(keyOf('/b', 'x'))
    expect(keyOf('/a', 'x')).not.toBe(keyOf('/a', 'y'))
    expect(keyOf('/a', 'x')).not.toBe(garner.key('x').describe().key)
    expect(keyOf('/a', 'x')).toBe(keyOf('/a', 'x'))
  })

  it('keep requests apart whose path or query hold the separator of the request memo', () => {
    const keyOf = (path: string, query: string): string =>
      garner.identity({ request: requestFor(path, query) }).describe().key
    expect(keyOf('/a\u0000x', '')).not.toBe(keyOf('/a', 'x\u0000'))
    expect(keyOf('/b', 'x\u0000')).not.toBe(keyOf('/b\u0000x', ''))
  })

  it('keep callers apart who send every credential header', () => {
    const keyOf = (authorization: string): string =>
      garner
        .identity({ request: requestFor('/me', '', { authorization, cookie: 'session=1' }) })
        .describe().key
    expect(keyOf('Bearer 1')).not.toBe(keyOf('Bearer 2'))
  })

  it('add context members for key strategies, merging later ones in', () => {
    const scoped = createGarner({
      namespace: 'n',
      keyStrategies: [
        ...DEFAULT_KEY_STRATEGIES,
        {
          name: 'scope',
          apply: (key, context) => ({
            ...key,
            tenant: String(context.tenant),
            region: String(context.region),
          }),
        },
      ],
    })
    expect(
      scoped.identity({ tenant: 't1' }).context({ region: 'eu' }).key('k').describe().key,
    ).toBe('n:e:{"key":"k","region":"eu","tenant":"t1"}')
    expect(
      scoped.identity({ tenant: 't1' }).context({ tenant: 't2' }).key('k').describe().key,
    ).toBe('n:e:{"key":"k","region":"undefined","tenant":"t2"}')
  })

  it('reserve the context member `key` for key parts', () => {
    const reserved = 'Garner: the context member `key` is reserved; add key parts with .key(part).'
    expect(() => garner.identity({ key: 'k' })).toThrow(reserved)
    expect(() => garner.identity().context({ key: 'k' })).toThrow(reserved)
    expect(() => garner.identity().context({ key: 'k' })).toThrow(TypeError)
  })

  it('refuse to plan an identity with neither a key nor a request', async () => {
    const empty = garner.identity()
    const message =
      'Garner: this identity has no key. Add one with .key(part) (or garner.fetch(key, …)), ' +
      'or use the request-scoped identity of an HTTP adapter.'
    expect(() => empty.describe()).toThrow(message)
    await expect(empty.fetch(() => 1)).rejects.toMatchObject({ code: 'GARNER_EMPTY_KEY', message })
    expect(garner.identity().bind(['User', 1]).key('k').describe().key).toBe('n:e:{"key":"k"}')
  })

  it('name the ttl option that is not a positive duration', () => {
    expect(() => garner.key('k').options({ ttl: 0 })).toThrow(
      'Garner: ttl must be a positive number of milliseconds',
    )
    expect(() => garner.key('k').options({ ttl: '5' as unknown as number })).toThrow(
      'Garner: ttl must be a positive number of milliseconds (omit it for no expiry); got 5.',
    )
  })
})

describe('identity answers', () => {
  it('entry() answers undefined when the loader returns undefined', async () => {
    const garner = createGarner()
    expect(await garner.key('none').entry(() => undefined)).toBeUndefined()
    expect(await garner.entry('none', () => undefined)).toBeUndefined()
  })

  it('respond() needs a request in the context', async () => {
    await expect(
      createGarner()
        .key('k')
        .respond(() => 1),
    ).rejects.toThrow(
      'Garner: respond() needs a request in the identity context; use an HTTP adapter.',
    )
  })

  it("cacheOr304() answers through the adapter's writer, and needs one", async () => {
    const garner = createGarner()
    const writer: ResponseWriter<string> = {
      write: (result) => `${result.status} ${result.body}`,
      notFound: () => 'not found',
    }
    const identity = garner.identity({ request: requestFor('/users/1') }, writer)
    expect(await identity.cacheOr304(() => ({ id: 1 }))).toBe('200 {"id":1}')
    expect(await identity.key('missing').cacheOr304(() => undefined)).toBe('not found')
    await expect(
      garner.identity({ request: requestFor('/users/1') }).cacheOr304(() => 1),
    ).rejects.toThrow(
      'Garner: cacheOr304() needs the request-scoped identity of an HTTP adapter (@garner/express, @garner/hono).',
    )
  })
})

describe('keys built by key strategies', () => {
  // A strategy that tells callers apart by the request (as a session strategy would).
  const byUser: KeyStrategy = {
    name: 'user',
    identifiesCaller: true,
    apply: (key, context) => {
      const request = context.request as RequestInfo | undefined
      return request === undefined ? key : { ...key, user: request.header('x-user') ?? 'none' }
    },
  }
  const plain: KeyStrategy = { name: 'user', apply: byUser.apply }
  const withStrategy = (strategy: KeyStrategy) =>
    createGarner({ namespace: 'n', keyStrategies: [...DEFAULT_KEY_STRATEGIES, strategy] })

  it('name the member a strategy made that cannot be encoded', () => {
    const garner = withStrategy({
      name: 'bad',
      apply: (key) => ({ ...key, tenant: (() => 1) as unknown as string }),
    })
    expect(() => garner.key('k').describe()).toThrow(/^Garner: tenant is a function/)
  })

  it('mix no caller into the ETag of an identity without a request', async () => {
    const tagged = await withStrategy(byUser)
      .key('k')
      .entry(() => ({ id: 1 }))
    const untagged = await withStrategy(plain)
      .key('k')
      .entry(() => ({ id: 1 }))
    expect(tagged?.etag).toBe(untagged?.etag)
  })

  it('mix the varyBy part into the ETag, whatever the strategies', async () => {
    const request = requestFor('/me', '', { 'x-user': 'ada' })
    const etagOf = async (strategy: KeyStrategy) => {
      const answer = await withStrategy(strategy)
        .identity({ request })
        .varyBy('admin')
        .entry(() => ({ id: 1 }))
      return answer?.etag
    }
    expect(await etagOf(byUser)).toBe(await etagOf(plain))
  })
})
