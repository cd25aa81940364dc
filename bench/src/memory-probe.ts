// A child process (run with --expose-gc by memory.ts) that fills Garner's default in-process
// store far past its bounds and reports what the store and the process hold before and after.
// Its own process, so that nothing measured before it is counted in its RSS.
import { createGarner, memoryStore } from '@garner/core'
import { profileValue } from './fixture.js'

/** One fill of the store and what it left behind. */
export interface FillReport {
  readonly label: string
  readonly fetches: number
  readonly valueBytes: number
  readonly size: number
  readonly bytes: number
  readonly maxEntries: number
  readonly maxBytes: number
  readonly rssBefore: number
  readonly rssAfter: number
  readonly heapBefore: number
  readonly heapAfter: number
  readonly seconds: number
}

export interface MemoryProbeReport {
  readonly fills: readonly FillReport[]
}

const collect = (globalThis as { gc?: () => void }).gc
if (collect === undefined) throw new Error('memory-probe.ts needs --expose-gc')
const gc: () => void = collect

function settle(): { rss: number; heap: number } {
  gc()
  gc()
  const usage = process.memoryUsage()
  return { rss: usage.rss, heap: usage.heapUsed }
}

/**
 * Fills a fresh default store (memoryStore() is what createGarner() uses when given no store)
 * with `fetches` distinct keys of a `valueBytes` value, each bound to its own instance.
 */
async function fill(label: string, fetches: number, valueBytes: number): Promise<FillReport> {
  const store = memoryStore()
  const garner = createGarner({ store })
  const value = profileValue(1, valueBytes)
  const before = settle()
  const start = performance.now()
  for (let index = 0; index < fetches; index++) {
    await garner.fetch(`item:${index}`, () => value, { bind: ['Item', index] })
  }
  const seconds = (performance.now() - start) / 1000
  const after = settle()
  return {
    label,
    fetches,
    valueBytes,
    size: store.size,
    bytes: store.bytes,
    maxEntries: store.maxEntries,
    maxBytes: store.maxBytes,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapBefore: before.heap,
    heapAfter: after.heap,
    seconds,
  }
}

const [small = '30000', large = '1500'] = process.argv.slice(2)
const report: MemoryProbeReport = {
  fills: [
    // 1 KB values: the entry bound (10,000 entries and tokens) is the one that holds.
    await fill('1 KB values', Number(small), 1024),
    // 64 KB values: the byte bound (64 MiB, estimated) is reached first.
    await fill('64 KB values', Number(large), 64 * 1024),
  ],
}
// Exit once the report is out: nothing else is left to do.
process.send?.(report, () => process.exit(0))
