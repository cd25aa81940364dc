// The dashboard's charts: polls /dashboard/samples every second and redraws three uPlot charts.
/* global uPlot */

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989']
const number = new Intl.NumberFormat('en-US')

function chartSize(element) {
  return { width: Math.max(320, element.clientWidth), height: 220 }
}

function lineSeries(label, color, scale) {
  return { label, stroke: color, width: 2, scale, spanGaps: false, points: { show: false } }
}

function makeChart(id, series, axes) {
  const element = document.getElementById(id)
  const empty = [[], ...series.map(() => [])]
  const chart = new uPlot(
    { ...chartSize(element), series: [{}, ...series], axes, scales: { x: { time: true } } },
    empty,
    element,
  )
  return { element, chart }
}

const hitRatio = makeChart(
  'chart-hit-ratio',
  [
    lineSeries('hit ratio %', COLORS[0], '%'),
    lineSeries('hits/s', COLORS[2], 'rps'),
    lineSeries('misses/s', COLORS[1], 'rps'),
  ],
  [
    {},
    { scale: '%', label: '%' },
    { scale: 'rps', side: 1, grid: { show: false }, label: 'req/s' },
  ],
)
const latency = makeChart(
  'chart-latency',
  [lineSeries('store read ms', COLORS[4], 'ms'), lineSeries('loader ms', COLORS[3], 'ms')],
  [{}, { scale: 'ms', label: 'ms' }],
)
let invalidations
let invalidationModels = []

function invalidationChart(models) {
  if (invalidations !== undefined) invalidations.chart.destroy()
  const series =
    models.length === 0
      ? [lineSeries('invalidations/s', COLORS[5], 'n')]
      : models.map((model, index) => lineSeries(model, COLORS[index % COLORS.length], 'n'))
  invalidations = makeChart('chart-invalidations', series, [{}, { scale: 'n', label: 'per s' }])
  invalidations.element.dataset.models = models.join(',')
  invalidationModels = models
}
invalidationChart([])

function countPoints(columns) {
  let points = 0
  for (const column of columns.slice(1)) for (const value of column) if (value !== null) points++
  return points
}

function draw(target, columns) {
  target.chart.setData(columns)
  target.element.dataset.points = String(countPoints(columns))
}

function render({ samples, stats, store }) {
  document.getElementById('store').textContent = store
  const total = stats.hits + stats.misses
  document.getElementById('hit-ratio').textContent =
    total === 0 ? '–' : `${((100 * stats.hits) / total).toFixed(1)} %`
  document.getElementById('hits').textContent = number.format(stats.hits)
  document.getElementById('misses').textContent = number.format(stats.misses)
  document.getElementById('loads').textContent = number.format(stats.loads)
  document.getElementById('invalidations').textContent = number.format(stats.invalidations)
  document.getElementById('store-errors').textContent = number.format(stats.storeErrors)

  const times = samples.map((sample) => sample.time)
  draw(hitRatio, [
    times,
    samples.map((sample) => (sample.hitRatio === null ? null : 100 * sample.hitRatio)),
    samples.map((sample) => sample.hits),
    samples.map((sample) => sample.misses),
  ])
  draw(latency, [
    times,
    samples.map((sample) => sample.storeReadMs),
    samples.map((sample) => sample.loaderMs),
  ])
  const models = [...new Set(samples.flatMap((sample) => Object.keys(sample.invalidations)))].sort()
  if (models.join('\u0000') !== invalidationModels.join('\u0000')) invalidationChart(models)
  draw(invalidations, [
    times,
    ...(models.length === 0
      ? [samples.map(() => 0)]
      : models.map((model) => samples.map((sample) => sample.invalidations[model] ?? 0))),
  ])
}

async function refresh() {
  try {
    const response = await fetch('/dashboard/samples', { cache: 'no-store' })
    if (response.ok) render(await response.json())
  } finally {
    setTimeout(refresh, 1_000)
  }
}

window.addEventListener('resize', () => {
  for (const target of [hitRatio, latency, invalidations])
    target.chart.setSize(chartSize(target.element))
})
refresh()
