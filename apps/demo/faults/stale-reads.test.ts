// The cache's central promise, as a model-based property: concurrent clients interleave writes
// (the demo's write routes) and reads (its cached read routes, half of them conditional, through a
// client-side ETag cache), and every read that started after a write's response arrived reflects
// that write or a later one. fast-check generates the clients' operation sequences; the model is
// the latest acknowledged version of every row.
import { staleReadLedger } from '@garner/fixtures'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { report, send, sendJson, startTestDemo, type TestDemo } from './harness.js'

type Entity = `user:${number}` | `post:${number}`

const USER_IDS = [1, 2, 3]
const POST_IDS = [1, 2, 3]
// Seed: Ada (1) wrote posts 1 and 2, Grace (2) wrote post 3.

type Operation =
  | { readonly kind: 'write'; readonly entity: 'user' | 'post'; readonly id: number }
  | {
      readonly kind: 'read'
      readonly view: 'user-as-admin' | 'user-as-member' | 'users' | 'post' | 'user-posts'
      readonly id: number
      readonly conditional: boolean
    }

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      entity: fc.constantFrom('user' as const, 'post' as const),
      id: fc.constantFrom(1, 2, 3),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      view: fc.constantFrom(
        'user-as-admin' as const,
        'user-as-member' as const,
        'users' as const,
        'post' as const,
        'user-posts' as const,
      ),
      id: fc.constantFrom(1, 2, 3),
      conditional: fc.boolean(),
    }),
  },
)

/** Versions are written into names and titles: `v<number>`. */
const versionOf = (text: string): number => Number(/v(\d+)$/.exec(text)?.[1] ?? Number.NaN)

describe.each([
  ['memory', 'hono', 'sqlite'],
  ['redis', 'express', 'sqlite'],
  ['memory', 'hono', 'postgresql'],
] as const)(
  'no stale reads under concurrent reads and writes (%s store, %s, %s)',
  (store, framework, database) => {
    let target: TestDemo
    const next = new Map<Entity, number>()
    const ledger = staleReadLedger<Entity>()
    // Writes to one row are serialized, so that the order their responses arrive in is the order
    // they committed in; writes to different rows, and all reads, run concurrently.
    const rowLocks = new Map<Entity, Promise<void>>()

    async function write(entity: Entity): Promise<void> {
      const previous = rowLocks.get(entity) ?? Promise.resolve()
      let release!: () => void
      rowLocks.set(entity, new Promise<void>((resolve) => (release = resolve)))
      await previous
      try {
        const version = (next.get(entity) ?? 0) + 1
        next.set(entity, version)
        const [kind, id] = entity.split(':')
        const answer =
          kind === 'user'
            ? await sendJson(target.url, 'PATCH', `/users/${id}`, {
                name: `user ${id} v${version}`,
              })
            : await sendJson(target.url, 'PATCH', `/posts/${id}`, {
                title: `post ${id} v${version}`,
              })
        expect(answer.status).toBe(200)
        ledger.acknowledge(entity, version)
      } finally {
        release()
      }
    }

    beforeAll(async () => {
      // A slow database (reads take 0 to 4 ms more) widens the window in which a write races a
      // load: the race the generation tokens exist for.
      target = await startTestDemo(framework, store, { databaseLatencyMs: 4, database })
      for (const id of USER_IDS) await write(`user:${id}`)
      for (const id of POST_IDS) await write(`post:${id}`)
    })
    afterAll(async () => {
      await target?.close()
    })

    it('reads every acknowledged write at once (property)', async () => {
      let writes = 0
      let notModified = 0
      const { violations } = ledger

      async function read(
        op: Extract<Operation, { kind: 'read' }>,
        etags: Map<string, { etag: string; body: string }>,
      ) {
        const { path, headers } = viewOf(op)
        const check = ledger.beginRead()
        const key = `${path} ${headers.Authorization ?? ''}`
        const held = op.conditional ? etags.get(key) : undefined
        const answer = await send(target.url, path, {
          headers: held === undefined ? headers : { ...headers, 'If-None-Match': held.etag },
        })
        let body: string
        if (answer.status === 304 && held !== undefined) {
          notModified += 1
          body = held.body
        } else {
          expect(answer.status).toBe(200)
          body = answer.text
          etags.set(key, { etag: answer.headers.get('etag')!, body })
        }
        for (const [entity, version] of seenVersions(op, JSON.parse(body))) {
          check(entity, version, path)
        }
      }

      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(operation, { minLength: 10, maxLength: 40 }), {
            minLength: 4,
            maxLength: 6,
          }),
          async (clients) => {
            await Promise.all(
              clients.map(async (operations) => {
                const etags = new Map<string, { etag: string; body: string }>()
                for (const op of operations) {
                  if (op.kind === 'write') {
                    writes += 1
                    await write(`${op.entity}:${op.id}`)
                  } else await read(op, etags)
                }
              }),
            )
            return violations.length === 0
          },
        ),
        { numRuns: 30 },
      )
      const reads = ledger.reads
      report(`Stale reads under concurrency (${store} store, ${framework}, ${database})`, {
        operations: reads + writes,
        writes,
        'reads checked': reads,
        '304s checked against the held copy': notModified,
        'stale reads': violations.length,
      })
      expect(violations).toEqual([])
      expect(reads + writes).toBeGreaterThan(2_000)
    })
  },
)

function viewOf(op: Extract<Operation, { kind: 'read' }>): {
  path: string
  headers: Record<string, string>
} {
  switch (op.view) {
    case 'user-as-admin':
      return {
        path: `/users/${op.id}`,
        headers: { Authorization: 'Bearer 1' },
      }
    case 'user-as-member':
      return {
        path: `/users/${op.id}`,
        headers: { Authorization: 'Bearer 2' },
      }
    case 'users':
      return { path: '/users', headers: {} }
    case 'post':
      return { path: `/posts/${op.id}`, headers: {} }
    case 'user-posts':
      return { path: `/users/${op.id}/posts`, headers: {} }
  }
}

function seenVersions(op: Extract<Operation, { kind: 'read' }>, body: unknown): [Entity, number][] {
  switch (op.view) {
    case 'user-as-admin':
    case 'user-as-member':
      return [[`user:${op.id}`, versionOf((body as { name: string }).name)]]
    case 'users':
      return (body as { id: number; name: string }[]).map((user) => [
        `user:${user.id}`,
        versionOf(user.name),
      ])
    case 'post':
      return [[`post:${op.id}`, versionOf((body as { title: string }).title)]]
    case 'user-posts':
      return (body as { id: number; title: string }[]).map((post) => [
        `post:${post.id}`,
        versionOf(post.title),
      ])
  }
}
