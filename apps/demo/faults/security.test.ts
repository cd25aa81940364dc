// What Garner promises about security, shown on the demo: no cross-user or cross-role leakage
// with many users in parallel, request-derived keys that cannot collide, and an in-process store
// that stays within its bound under a flood of distinct keys.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { report, send, sendJson, startTestDemo, type TestDemo } from './harness.js'

interface Person {
  readonly id: number
  readonly email: string
  readonly role: 'admin' | 'member'
}

describe.each(['memory', 'redis'] as const)('security (%s store)', (store) => {
  let target: TestDemo

  beforeAll(async () => {
    // A small in-process bound, so that a flood of three times the bound stays quick.
    target = await startTestDemo(store === 'memory' ? 'hono' : 'express', store, {
      cacheMaxEntries: 1_000,
    })
  })
  afterAll(async () => {
    await target?.close()
  })

  it('never shows one user what another user or role may see, with many users in parallel', async () => {
    const people: Person[] = []
    for (let index = 0; index < 24; index++) {
      const role = index % 3 === 0 ? 'admin' : 'member'
      const email = `person${index}-${store}@example.com`
      const created = await sendJson(target.url, 'POST', '/users', {
        name: `Person ${index}`,
        email,
        role,
      })
      expect(created.status).toBe(201)
      people.push({ id: (JSON.parse(created.text) as { id: number }).id, email, role })
    }
    let checked = 0
    const leaks: string[] = []
    await Promise.all(
      people.map(async (caller, index) => {
        const headers = { Authorization: `Bearer ${caller.id}` }
        for (let round = 0; round < 6; round++) {
          const me = JSON.parse((await send(target.url, '/me', { headers })).text) as {
            id: number
            email: string
          }
          checked += 1
          if (me.id !== caller.id || me.email !== caller.email)
            leaks.push(`/me of ${caller.id} showed ${me.id}`)
          const other = people[(index + round + 1) % people.length]!
          const seen = JSON.parse(
            (await send(target.url, `/users/${other.id}`, { headers })).text,
          ) as { email?: string }
          checked += 1
          if (caller.role === 'member' && seen.email !== undefined)
            leaks.push(`member ${caller.id} saw the email of ${other.id}`)
          if (caller.role === 'admin' && seen.email !== other.email)
            leaks.push(`admin ${caller.id} got a member's view of ${other.id}`)
        }
      }),
    )
    report(`Cross-user and cross-role leakage (${store} store)`, {
      users: people.length,
      'responses checked': checked,
      leaks: leaks.length,
    })
    expect(leaks).toEqual([])
  })

  it('keys requests by their canonical query: reordered queries share an entry, different ones never do (property)', async () => {
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom('a', 'b', 'a&b', 'a=b', '%', ' '),
          fc.constantFrom('1', '2', '1&2', '=', ''),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString())
    let pairs = 0
    await fc.assert(
      fc.asyncProperty(query, query, async (left, right) => {
        // A fresh path prefix per pair, so that earlier pairs cannot have cached these keys.
        pairs += 1
        const base = `/users?run=${store}-${pairs}${left === '' ? '' : `&${left}`}`
        const other = `/users?run=${store}-${pairs}${right === '' ? '' : `&${right}`}`
        await send(target.url, base)
        const misses = target.demo.stats.misses
        await send(target.url, other)
        const shared = target.demo.stats.misses === misses
        const same = canonicalQuery(left) === canonicalQuery(right)
        expect(shared).toBe(same)
      }),
      { numRuns: 80 },
    )
  })

  if (store === 'memory') {
    it('keeps the in-process store within its bound under a flood of distinct keys', async () => {
      const cache = target.demo.memoryStore!
      const rssBefore = process.memoryUsage().rss
      const requests = cache.maxEntries * 3
      let next = 0
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < requests) {
            const index = next++
            expect((await send(target.url, `/users?flood=${index}`)).status).toBe(200)
          }
        }),
      )
      const rssAfter = process.memoryUsage().rss
      report('In-process store under a flood of distinct keys', {
        'distinct keys requested': requests,
        'store bound (entries)': cache.maxEntries,
        'store entries after': cache.size,
        'store bytes after (estimated)': `${(cache.bytes / 1024 / 1024).toFixed(1)} MiB of ${(cache.maxBytes / 1024 / 1024).toFixed(0)} MiB`,
        'process RSS before / after': `${(rssBefore / 1024 / 1024).toFixed(0)} / ${(rssAfter / 1024 / 1024).toFixed(0)} MiB`,
      })
      expect(cache.size).toBeLessThanOrEqual(cache.maxEntries)
      expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes)
    })
  }
})

/** The test's own oracle for "the same query": decoded pairs, stably sorted by name. */
function canonicalQuery(query: string): string {
  const pairs = [...new URLSearchParams(query)]
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify(pairs)
}
