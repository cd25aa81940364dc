// A runnable tour of garner.fetch: a miss, a hit, a binding, an invalidation, an entry with its ETag.
// Run it from the repository root with `pnpm example`.
import { createGarner } from '@garner/core'

const garner = createGarner()
let queries = 0

async function loadProfile(id: number): Promise<{ id: number; name: string; seenAt: Date }> {
  queries += 1
  await new Promise((resolve) => setTimeout(resolve, 20)) // a slow database
  return { id, name: `User ${id}`, seenAt: new Date('2026-01-01T00:00:00Z') }
}

garner.on('hit', ({ key }) => console.log(`  hit   ${key}`))
garner.on('miss', ({ key, reason }) => console.log(`  miss  ${key} (${reason})`))

const load = () => loadProfile(42)
const options = { bind: ['User', 42] as const, ttl: 60_000 }

console.log('1. first fetch runs the loader:')
console.log('  ->', await garner.fetch({ user: 42, view: 'profile' }, load, options))
console.log('2. same key (members in another order) is a hit:')
await garner.fetch({ view: 'profile', user: 42 }, load, options)
console.log('3. a write to User 42 invalidates it:')
await garner.invalidate('User', 42)
const entry = await garner.bind(['User', 42]).key({ user: 42, view: 'profile' }).entry(load)
console.log(
  `  -> hit=${entry.hit} etag=${entry.etag} lastModified=${entry.lastModified.toUTCString()}`,
)
console.log(`  the Date came back as a Date: ${entry.value.seenAt instanceof Date}`)
console.log(`loader calls: ${queries} (expected 2)`)
