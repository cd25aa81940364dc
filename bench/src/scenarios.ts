// The arm sets by name, so that a profiling child process can rebuild exactly the arm a section
// measured (see profile.ts).
import type { ArmSet } from './arms.js'
import { inProcessHitArms } from './in-process.js'
import { inProcessMissArms, invalidationArms, redisMissArms } from './misses.js'
import { redisHitArms } from './redis.js'

export const SCENARIOS = {
  'memory-hit': { hits: true, build: () => inProcessHitArms() },
  'redis-hit': { hits: true, build: (url: string) => redisHitArms(url, 1) },
  'memory-miss': { hits: false, build: () => inProcessMissArms() },
  'redis-miss': { hits: false, build: (url: string) => redisMissArms(url) },
  'memory-invalidate': { hits: false, build: () => invalidationArms(undefined) },
  'redis-invalidate': { hits: false, build: (url: string) => invalidationArms(url) },
} as const satisfies Record<
  string,
  { readonly hits: boolean; readonly build: (url: string) => ArmSet | Promise<ArmSet> }
>

export type ScenarioName = keyof typeof SCENARIOS

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name)
}
