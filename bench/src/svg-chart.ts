// A small SVG writer for the report's charts: horizontal bars of ratios on a log scale, each bar
// drawn from the 1.0× line (left of it: slower than the reference, right: faster), with marks
// for the reference, the limit and the target. No dependency: the charts are plain text.

/** What a bar stands for; it picks the bar's colour. */
export type BarRole = 'garner' | 'anchor' | 'limit' | 'raw' | 'other'

export interface Bar {
  readonly label: string
  /** The ratio to the chart's reference (1 = as fast as the reference). */
  readonly value: number
  readonly role: BarRole
}

export interface Mark {
  readonly value: number
  readonly label: string
}

export interface Chart {
  /** File name in docs/public/bench/, without `.svg`. */
  readonly name: string
  readonly title: string
  /** What 1.0× is: `cache-manager wrap`, `the constant route` … */
  readonly reference: string
  readonly bars: readonly Bar[]
  /** Vertical lines besides the one at 1.0× (the limit, a target). */
  readonly marks: readonly Mark[]
  /** The line under the title; by default it says what the ratio is to and which way is faster. */
  readonly caption?: string
  /** What the colours mean; by default Garner, the anchors, the raw stores and other arms. */
  readonly legend?: string
}

const WIDTH = 820
const LABEL_WIDTH = 330
const VALUE_WIDTH = 70
const PLOT_LEFT = LABEL_WIDTH + 10
const PLOT_WIDTH = WIDTH - PLOT_LEFT - VALUE_WIDTH - 10
const ROW = 24
const TOP = 76
const BOTTOM = 46

const LEGEND =
  'Green: Garner. Dark grey: the caches people pick instead. Light grey: a raw store. Blue: other arms. Red dashes: the limit, a target.'

const COLOUR: Readonly<Record<BarRole, string>> = {
  garner: '#2f7d62',
  anchor: '#8a8f98',
  limit: '#c9ccd1',
  raw: '#c9ccd1',
  other: '#5b7fb5',
}

/** The chart as an SVG document, with a `<title>` and a `<desc>` listing every value. */
export function chartSvg(chart: Chart): string {
  const bars = chart.bars.filter((bar) => Number.isFinite(bar.value) && bar.value > 0)
  const marks = chart.marks.filter((mark) => Number.isFinite(mark.value) && mark.value > 0)
  const values = [1, ...bars.map((bar) => bar.value), ...marks.map((mark) => mark.value)]
  // A log scale: 0.5× and 2× are the same distance from 1.0×. Padded so no bar ends at the edge.
  const low = Math.log2(Math.min(...values)) - 0.3
  const high = Math.log2(Math.max(...values)) + 0.3
  const x = (value: number): number =>
    PLOT_LEFT + ((Math.log2(value) - low) / (high - low)) * PLOT_WIDTH
  const height = TOP + bars.length * ROW + BOTTOM
  const plotBottom = TOP + bars.length * ROW
  const parts: string[] = []
  const description = bars
    .map((bar) => `${bar.label}: ${ratio(bar.value)}`)
    .concat(marks.map((mark) => `${mark.label}: ${ratio(mark.value)}`))
    .join('; ')
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="title desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `<title id="title">${escapeXml(chart.title)}</title>`,
    `<desc id="desc">${escapeXml(`Ratio to ${chart.reference} (1.0×), log scale. ${description}.`)}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="600" fill="#1f2328">${escapeXml(chart.title)}</text>`,
    `<text x="10" y="42" fill="#57606a">${escapeXml(chart.caption ?? `Ratio to ${chart.reference} (1.0×), log scale: right of the line is faster.`)}</text>`,
    `<text x="10" y="60" fill="#57606a" font-size="12">${escapeXml(chart.legend ?? LEGEND)}</text>`,
  )
  // Grid: powers of two inside the domain.
  for (let power = Math.ceil(low); power <= Math.floor(high); power++) {
    const value = 2 ** power
    const at = x(value).toFixed(1)
    parts.push(
      `<line x1="${at}" y1="${TOP - 6}" x2="${at}" y2="${plotBottom}" stroke="#eaeef2"/>`,
      `<text x="${at}" y="${plotBottom + 16}" text-anchor="middle" fill="#57606a" font-size="11">${ratio(value)}</text>`,
    )
  }
  bars.forEach((bar, index) => {
    const y = TOP + index * ROW
    const from = x(1)
    const to = x(bar.value)
    const left = Math.min(from, to)
    const width = Math.max(Math.abs(to - from), 1.5)
    parts.push(
      `<text x="${LABEL_WIDTH}" y="${y + 16}" text-anchor="end" fill="#1f2328" font-size="12">${escapeXml(truncate(bar.label, 50))}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 5}" width="${width.toFixed(1)}" height="${ROW - 10}" fill="${COLOUR[bar.role]}"><title>${escapeXml(`${bar.label}: ${ratio(bar.value)}`)}</title></rect>`,
      `<text x="${WIDTH - 10}" y="${y + 16}" text-anchor="end" fill="#1f2328" font-variant-numeric="tabular-nums">${ratio(bar.value)}</text>`,
    )
  })
  // The reference line, then the marks, labelled under the axis so that they never hide a bar.
  parts.push(
    `<line x1="${x(1).toFixed(1)}" y1="${TOP - 10}" x2="${x(1).toFixed(1)}" y2="${plotBottom + 2}" stroke="#1f2328" stroke-width="1.5"/>`,
  )
  marks.forEach((mark, index) => {
    const at = x(mark.value)
    const text = `${mark.label} ${ratio(mark.value)}`
    // Centred under its line, but kept inside the picture (about 6 px per character at 11 px).
    const half = (text.length * 6) / 2
    const centre = Math.min(Math.max(at, half + 4), WIDTH - half - 4)
    parts.push(
      `<line x1="${at.toFixed(1)}" y1="${TOP - 10}" x2="${at.toFixed(1)}" y2="${plotBottom + 2}" stroke="#cf222e" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${centre.toFixed(1)}" y="${plotBottom + 30 + (index % 2) * 12}" text-anchor="middle" fill="#cf222e" font-size="11">${escapeXml(text)}</text>`,
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

function ratio(value: number): string {
  return value >= 10
    ? `${value.toFixed(1)}×`
    : value >= 0.1
      ? `${value.toFixed(2)}×`
      : `${value.toPrecision(2)}×`
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}
