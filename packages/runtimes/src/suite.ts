// The core conformance suite on the in-process store, registered with the runner-neutral harness
// (the bundle maps `vitest` onto harness.ts), ready to run on any runtime.
import { describeGarnerConformance, memoryTarget } from '@garner/testing'
import { type Report, run } from './harness.js'

describeGarnerConformance(memoryTarget.name, () => memoryTarget.open())

/** Runs the suite once and reports every test's outcome. */
export function runConformance(runtime: string): Promise<Report> {
  return run(runtime)
}
