// Section 5: memory. The default in-process store, filled far past its bounds, must stay within
// them; the probe runs in a fresh child process so that its RSS is its own.
import { firstMessage, forkModule } from './children.js'
import type { MemoryProbeReport } from './memory-probe.js'

export async function runMemory(
  smallFetches: number,
  largeFetches: number,
): Promise<MemoryProbeReport> {
  const child = forkModule(
    new URL('./memory-probe.ts', import.meta.url),
    [String(smallFetches), String(largeFetches)],
    ['--expose-gc'],
  )
  return firstMessage(child, isReport, 120_000)
}

function isReport(message: unknown): message is MemoryProbeReport {
  return typeof message === 'object' && message !== null && 'fills' in message
}
