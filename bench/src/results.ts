// Everything one run of `pnpm bench` measured, as the report and the target checks read it.
import type { Comparison } from './compare.js'
import type { HttpOptions, HttpResult } from './http.js'
import type { Machine } from './machine.js'
import type { RoundOptions } from './measure.js'
import type { MemoryProbeReport } from './memory-probe.js'
import type { ArmProfile } from './profile.js'
import type { StampedeResult } from './stampede.js'

/** Redis commands per operation of each arm (`{ mget: 1 }`), by arm name. */
export type CommandTable = Readonly<Record<string, Readonly<Record<string, number>>>>

/** A measured comparison with the settings it ran with. */
export interface Section {
  readonly comparison: Comparison
  readonly rounds: number
  readonly options: RoundOptions
}

export interface Settings {
  readonly valueBytes: number
  readonly inFlight: number
  readonly http: HttpOptions
  readonly memoryFetches: readonly [small: number, large: number]
  readonly profileMs: number
}

/** A CPU profile taken because a target was missed or Garner was slower than something. */
export interface ProfileEvidence {
  readonly reason: string
  readonly profile: ArmProfile
}

export interface BenchResults {
  readonly startedAt: Date
  readonly wallSeconds: number
  readonly machine: Machine
  readonly versions: Readonly<Record<string, string>>
  readonly commit: string
  readonly redisVersion: string
  readonly settings: Settings
  readonly inProcess: Comparison
  readonly redisLatency: Comparison
  readonly redisThroughput: Comparison
  readonly redisCommands: CommandTable
  /** Keys in the one MGET of each Garner Redis hit arm, by arm name. */
  readonly garnerKeysRead: Readonly<Record<string, number>>
  readonly missMemory: Comparison
  readonly missRedis: Comparison
  readonly missCommands: CommandTable
  readonly invalidateMemory: Comparison
  readonly invalidateRedis: Comparison
  readonly invalidateCommands: CommandTable
  readonly stampedes: readonly StampedeResult[]
  readonly http: HttpResult
  readonly memory: MemoryProbeReport
  /** Hit arms whose loader ran during the measurement (their figures are not hits). */
  readonly hitProblems: readonly string[]
  readonly profiles: readonly ProfileEvidence[]
}
