// The report's charts, built from the run's numbers: one per results table that holds ratios,
// written by `pnpm bench` into docs/public/bench/ (VitePress serves docs/public/ at the site root).
import { mkdir, writeFile } from 'node:fs/promises'
import type { Comparison, Figures } from './compare.js'
import { demoFigures } from './demo.js'
import { type HttpFigures, httpRatio } from './http.js'
import { FRAMEWORKS, type Framework } from './http-routes.js'
import { medianRatio } from './measure.js'
import type { BenchResults } from './results.js'
import { type Bar, type Chart, chartSvg, type Mark } from './svg-chart.js'
import { CACHE_MANAGER, evaluateTargets, ratioOf } from './targets.js'

/** Where the charts go, and the URL path the docs use for them. */
export const CHART_DIR = new URL('../../docs/public/bench/', import.meta.url)
export const CHART_URL = '/bench/'

const FRAMEWORK_LABEL: Readonly<Record<Framework, string>> = { hono: 'Hono', express: 'Express' }

/** The chart names, by the table they illustrate. */
export const CHART = {
  targets: 'targets',
  inProcess: 'in-process-hit',
  redisLatency: 'redis-hit-latency',
  redisThroughput: 'redis-hit-throughput',
  missMemory: 'miss-in-process',
  missRedis: 'miss-redis',
  invalidateMemory: 'invalidation-in-process',
  invalidateRedis: 'invalidation-redis',
  http: (framework: Framework): string => `http-${framework}`,
  demo: 'demo',
} as const

/** Every chart of the run. */
export function charts(results: BenchResults): Chart[] {
  const targets = evaluateTargets(results).filter((target) => target.ratio !== undefined)
  const list: Chart[] = [
    {
      name: CHART.targets,
      title: 'Targets: each measured ratio over its goal',
      reference: 'the goal',
      caption: 'Measured ratio ÷ the goal, log scale: at or right of the line the target is met.',
      legend:
        'Green: met. Blue: not met. Targets that are not one ratio (round trips, loader calls) are in the table only.',
      bars: targets.map((target) => ({
        label: target.name,
        value: target.ratio!.atLeast
          ? target.ratio!.value / target.ratio!.bound
          : target.ratio!.bound / target.ratio!.value,
        role: target.met ? 'garner' : 'other',
      })),
      marks: [],
    },
    rateChart(CHART.inProcess, '1. In-process hit', results.inProcess),
    latencyChart(results.redisLatency),
    rateChart(CHART.redisThroughput, '2b. Redis hit, 100 in flight', results.redisThroughput),
    rateChart(CHART.missMemory, '3a. Miss, in process', results.missMemory, CACHE_MANAGER, {
      value: 0.5,
      label: 'target',
    }),
    rateChart(CHART.missRedis, '3b. Miss on Redis', results.missRedis, CACHE_MANAGER, {
      value: 0.9,
      label: 'target',
    }),
    rateChart(CHART.invalidateMemory, '3c. Invalidation, in process', results.invalidateMemory),
    rateChart(CHART.invalidateRedis, '3d. Invalidation on Redis', results.invalidateRedis),
    ...FRAMEWORKS.map((framework) => httpChart(results, framework)),
    demoChart(results),
  ]
  return list
}

/** Writes every chart; returns the files written. */
export async function writeCharts(results: BenchResults): Promise<string[]> {
  await mkdir(CHART_DIR, { recursive: true })
  const written: string[] = []
  for (const chart of charts(results)) {
    const file = new URL(`${chart.name}.svg`, CHART_DIR)
    await writeFile(file, chartSvg(chart))
    written.push(file.pathname)
  }
  return written
}

/** The Markdown that shows one chart. */
export function chartImage(results: BenchResults, name: string): string {
  const chart = charts(results).find((candidate) => candidate.name === name)
  if (chart === undefined) return ''
  // The figures are in the table next to the chart: the text says what the chart shows.
  const alt = `Chart: ${chart.title}, each bar the ratio to ${chart.reference} on a log scale`
  return `![${alt.replaceAll('[', '(').replaceAll(']', ')')}](${CHART_URL}${name}.svg)`
}

/** The arm a rate table compares with: `name`, else its best anchor, else its limit. */
export function referenceOf(comparison: Comparison, name?: string): Figures {
  return (
    comparison.figures.find((figures) => figures.arm.name === name) ??
    comparison.bestAnchor ??
    comparison.limit
  )
}

function rateChart(
  name: string,
  title: string,
  comparison: Comparison,
  referenceName?: string,
  target?: Mark,
): Chart {
  const reference = referenceOf(comparison, referenceName)
  const bars: Bar[] = comparison.figures
    .filter((figures) => figures.arm.name !== reference.arm.name && figures.arm.role !== 'limit')
    .map((figures) => ({
      label: figures.arm.name,
      value: ratioOf(comparison, figures.arm.name, reference.arm.name),
      role: figures.arm.role,
    }))
  const marks: Mark[] = []
  if (reference.arm.name !== comparison.limit.arm.name) {
    marks.push({
      value: ratioOf(comparison, comparison.limit.arm.name, reference.arm.name),
      label: `limit (${comparison.limit.arm.name})`,
    })
  }
  if (target !== undefined) marks.push(target)
  return { name, title, reference: reference.arm.name, bars, marks }
}

function latencyChart(comparison: Comparison): Chart {
  const reference = referenceOf(comparison)
  // Speed one at a time: the reference's latency over the arm's, round by round.
  const speed = (figures: Figures): number =>
    medianRatio(
      reference.samples.map((sample) => sample.meanMicros),
      figures.samples.map((sample) => sample.meanMicros),
    )
  return {
    name: CHART.redisLatency,
    title: '2a. Redis hit, one at a time (speed = inverse latency)',
    reference: reference.arm.name,
    bars: comparison.figures
      .filter((figures) => figures.arm.name !== reference.arm.name && figures.arm.role !== 'limit')
      .map((figures) => ({
        label: figures.arm.name,
        value: speed(figures),
        role: figures.arm.role,
      })),
    marks: [{ value: speed(comparison.limit), label: `limit (${comparison.limit.arm.name})` }],
  }
}

function httpChart(results: BenchResults, framework: Framework): Chart {
  const rows = results.http.figures.filter((figures) => figures.arm.framework === framework)
  const role = (figures: HttpFigures): Bar['role'] =>
    figures.arm.kind.startsWith('garner')
      ? 'garner'
      : figures.arm.kind.startsWith('peer')
        ? 'anchor'
        : 'other'
  return {
    name: CHART.http(framework),
    title: `4. HTTP, ${FRAMEWORK_LABEL[framework]}: requests/s`,
    reference: 'the constant JSON route (the limit)',
    bars: rows
      .filter((figures) => figures.arm.kind !== 'constant')
      .map((figures) => ({
        label: figures.arm.name,
        value: figures.vsConstant,
        role: role(figures),
      })),
    marks: [
      {
        value: 0.9 * httpRatio(results.http, framework, 'identity-only', 'constant'),
        label: '200 target (0.9× middleware + 5 headers)',
      },
    ],
  }
}

function demoChart(results: BenchResults): Chart {
  return {
    name: CHART.demo,
    title: '4. HTTP, the demo (pnpm demo): a cached GET against a bare app',
    reference: 'a bare app of the same framework',
    bars: FRAMEWORKS.map((framework) => ({
      label: `${FRAMEWORK_LABEL[framework]}: ${demoFigures(results.demo, framework, 'demo').arm.name}`,
      value: demoFigures(results.demo, framework, 'demo').vsBare,
      role: 'garner' as const,
    })),
    marks: [{ value: 0.8, label: 'target' }],
  }
}
