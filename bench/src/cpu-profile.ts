// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and ranks functions by self time, the
// evidence the report quotes where Garner is slower than something.
import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly startTime: number
  readonly endTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** One row of a profile summary: a function and its share of the sampled time. */
export interface Frame {
  readonly name: string
  /** `package/file:line`, shortened for reading. */
  readonly location: string
  /** Share of all samples. */
  readonly selfPercent: number
  /** Share of the samples where the process was not idle: where its CPU time went. */
  readonly busyPercent: number
}

export interface ProfileSummary {
  /** Sampled wall time, ms. */
  readonly totalMs: number
  /** Share of samples in `(idle)`: the process waiting (for the network, here). */
  readonly idlePercent: number
  /** Top functions by self time (idle left out; GC and the like in). */
  readonly top: readonly Frame[]
  /** Busy time by where the code lives: a package, a Garner package, Node, or V8. */
  readonly byOrigin: readonly { readonly origin: string; readonly busyPercent: number }[]
}

export interface SummaryOptions {
  /** How many functions to list. Default 12. */
  readonly count?: number
  /** Only samples taken in this window count (µs on the monotonic clock, as `process.hrtime`). */
  readonly window?: readonly [startMicros: number, endMicros: number]
}

/** The top functions of a profile by self time. */
export async function summarizeProfile(
  file: string,
  options: SummaryOptions = {},
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMicros = new Map<string, { frame: FrameName; micros: number }>()
  const [from, to] = options.window ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]
  let total = 0
  // Sample i was taken at startTime + the sum of the first i+1 deltas.
  let time = profile.startTime
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    time += delta
    if (time < from || time > to) return
    total += delta
    const node = byId.get(id)
    if (node === undefined) return
    const frame = describeFrame(node)
    const key = `${frame.name}@${frame.location}`
    const entry = selfMicros.get(key)
    if (entry === undefined) selfMicros.set(key, { frame, micros: delta })
    else entry.micros += delta
  })
  const ranked = [...selfMicros.values()]
    .filter((entry) => entry.frame.name !== '(idle)')
    .sort((a, b) => b.micros - a.micros)
  const idle = selfMicros.get('(idle)@')?.micros ?? 0
  const busy = Math.max(1, total - idle)
  const origins = new Map<string, number>()
  for (const { frame, micros } of ranked) {
    const origin = originOf(frame)
    origins.set(origin, (origins.get(origin) ?? 0) + micros)
  }
  return {
    totalMs: total / 1000,
    idlePercent: (100 * idle) / Math.max(1, total),
    top: ranked.slice(0, options.count ?? 12).map(({ frame, micros }) => ({
      ...frame,
      selfPercent: (100 * micros) / total,
      busyPercent: (100 * micros) / busy,
    })),
    byOrigin: [...origins]
      .sort((a, b) => b[1] - a[1])
      .map(([origin, micros]) => ({ origin, busyPercent: (100 * micros) / busy })),
  }
}

type FrameName = Omit<Frame, 'selfPercent' | 'busyPercent'>

/** `@garner/core` for packages/core/src/…, the package name for node_modules, `node` for Node's own. */
function originOf(frame: FrameName): string {
  const { location, name } = frame
  if (location === '') return name.startsWith('(') ? name : 'native (V8 / libuv)'
  if (location.startsWith('node:')) return 'node'
  const garner = /^packages\/([^/]+)\//.exec(location)
  if (garner !== null) return `@garner/${garner[1]}`
  if (location.startsWith('bench/')) return 'bench harness'
  if (location.startsWith('apps/')) return 'garner-demo'
  const scoped = /^(@[^/]+\/[^/]+|[^/]+)/.exec(location)
  return scoped?.[1] ?? location
}

function describeFrame(node: ProfileNode): FrameName {
  const { functionName, url, lineNumber } = node.callFrame
  const name = functionName === '' ? '(anonymous)' : functionName
  if (url === '') return { name, location: '' }
  // Modules compiled by tsx report line 1 (or 0) for everything: the name is all there is.
  const line = lineNumber > 0 ? `:${lineNumber + 1}` : ''
  return { name, location: `${shorten(url)}${line}` }
}

/** `file:///…/node_modules/.pnpm/x@1/node_modules/x/dist/a.js` → `x/dist/a.js`; repo paths relative. */
function shorten(url: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url
  const modules = path.lastIndexOf('/node_modules/')
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length)
  if (path.startsWith('/')) return relative(new URL('../..', import.meta.url).pathname, path)
  return path
}
