// A child process run under `node --cpu-prof` by profile.ts: it rebuilds one arm of one scenario,
// warms it up, runs it one operation at a time for the requested time, and reports that window
// (on the monotonic clock the profile's timestamps use) so that start-up is left out.
import { prime } from './arms.js'
import { isScenarioName, SCENARIOS } from './scenarios.js'

/** What this child sends its parent once the profiled loop is over. */
export interface ProfileWindow {
  readonly window: readonly [startMicros: number, endMicros: number]
  readonly ops: number
}

const [scenario = '', armName = '', url = '', duration = '3000'] = process.argv.slice(2)
if (!isScenarioName(scenario)) throw new Error(`unknown scenario ${scenario}`)
const { hits, build } = SCENARIOS[scenario]
const set = await build(url)
try {
  const arm = set.arms.find((candidate) => candidate.name === armName)
  if (arm === undefined) throw new Error(`scenario ${scenario} has no arm named ${armName}`)
  if (hits) await prime([arm], 1)
  const loop = async (ms: number): Promise<number> => {
    let ops = 0
    const end = performance.now() + ms
    while (performance.now() < end) {
      for (let index = 0; index < 20; index++) await arm.op(0)
      ops += 20
    }
    return ops
  }
  await loop(500)
  const start = Number(process.hrtime.bigint() / 1000n)
  const ops = await loop(Number(duration))
  const end = Number(process.hrtime.bigint() / 1000n)
  const message: ProfileWindow = { window: [start, end], ops }
  await set.close()
  // The profile is written when the process exits; open handles of a library must not delay it,
  // but the message must be out first.
  process.send?.(message, () => process.exit(0))
} catch (error) {
  await set.close()
  throw error
}
