// The other process of the visibility benchmark: holds one value in its near cache (Garner) or L1
// (bentocache), and on request polls it until it changes, reporting when it did on the clock every
// process on the machine shares. Driven over IPC by near-cache.ts.
import { hrtime } from 'node:process'
import { setImmediate as yieldToEvents } from 'node:timers/promises'
import { createGarner } from '@garner/core'
import { createKeyv } from '@keyv/redis'
import { benchBento } from './bento-multi.js'

/** Which cache this reader runs. */
export type ReaderKind = 'garner' | 'bentocache'

const kind = process.env.READER_KIND as ReaderKind
const url = process.env.REDIS_URL!
const KEY = 'visibility'

let read: () => Promise<unknown>
let close: () => Promise<void>
// Garner: near-cache hits so far, to tell when the near cache stopped answering.
let nearHits = 0
if (kind === 'garner') {
  const keyv = createKeyv(url)
  const garner = createGarner({ store: keyv, namespace: 'bench-visibility', nearCache: true })
  garner.on('hit', ({ tier }) => {
    if (tier === 'near') nearHits += 1
  })
  let loads = 0
  read = () => garner.fetch(KEY, () => ({ load: ++loads, pid: process.pid }), { bind: ['Row', 1] })
  close = async () => {
    await garner.close()
    await keyv.store.disconnect()
  }
} else {
  const bento = benchBento(url)
  read = () => bento.get({ key: KEY })
  close = () => bento.disconnectAll()
}

process.on('message', async (message: { op: 'watch' | 'close' }) => {
  if (message.op === 'close') {
    await close()
    process.exit(0)
  }
  // Whatever the cache holds now is the old value; report when a different one shows.
  const old = JSON.stringify(await read())
  process.send!({ ready: true })
  let droppedAt: number | undefined
  // A write this reader never sees (a lost message) ends the sample after two seconds.
  const deadline = Date.now() + 2_000
  for (;;) {
    if (Date.now() > deadline) {
      process.send!({ missed: true })
      return
    }
    await yieldToEvents()
    const before = nearHits
    const startedAt = Number(hrtime.bigint())
    const now = JSON.stringify(await read())
    if (kind === 'garner' && nearHits === before) droppedAt ??= startedAt
    if (now !== old) {
      process.send!({ seenAt: Number(hrtime.bigint()), droppedAt: droppedAt ?? startedAt })
      return
    }
  }
})
process.send!({ started: true })
