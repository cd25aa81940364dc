// Everything one run of `pnpm bench` measured, as the report and the target checks read it.
import type { Comparison } from './compare.js'
import type { DemoResult } from './demo.js'
import type { HttpOptions, HttpResult } from './http.js'
import type { Machine } from './machine.js'
import type { RoundOptions } from './measure.js'
import type { MemoryProbeReport } from './memory-probe.js'
import type { ArmProfile } from './profile.js'
import type { StampedeResult } from './stampede.js'
import type { Target } from './targets.js'

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
  /** BENCH_QUICK=1: fewer rounds, for a run within a few minutes on a busy machine. */
  readonly quick: boolean
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
  /** Round trips per miss of each Redis miss arm, from the socket reads Redis made. */
  readonly missRoundTrips: Readonly<Record<string, number>>
  readonly invalidateMemory: Comparison
  readonly invalidateRedis: Comparison
  readonly invalidateCommands: CommandTable
  readonly stampedes: readonly StampedeResult[]
  readonly http: HttpResult
  /** The demo as users start it against a bare app of the same framework. */
  readonly demo: DemoResult
  readonly memory: MemoryProbeReport
  /** Hit arms whose loader ran during the measurement (their figures are not hits). */
  readonly hitProblems: readonly string[]
  readonly profiles: readonly ProfileEvidence[]
  /** Profiles of Garner's miss path (in process and on Redis), taken on every run. */
  readonly missProfiles: readonly ProfileEvidence[]
  /** The run read from the "before" file, shown side by side with this one. */
  readonly before?: ResultsFile | undefined
  /** The "before" file, relative to the repository root. */
  readonly beforeFile?: string | undefined
}

/**
 * What `pnpm bench` writes to bench/results/latest.json, and what it reads back as the "before"
 * of a before/after comparison: the targets as evaluated, the miss profiles, and every figure.
 */
export interface ResultsFile {
  readonly format: 1
  readonly startedAt: string
  readonly commit: string
  readonly wallSeconds: number
  readonly loadAtStart: number
  readonly quick: boolean
  readonly targets: readonly Target[]
  readonly missProfiles: readonly ProfileEvidence[]
  /** Every figure of the run (functions left out), for whoever wants more than the targets. */
  readonly results: unknown
}
