// The chart writer: an accessible SVG whose bars start at the 1.0× line and point the right way.
import { describe, expect, it } from 'vitest'
import { type Chart, chartSvg } from './svg-chart.js'

const chart: Chart = {
  name: 'test',
  title: 'Hits <in process> & more',
  reference: 'cache-manager wrap',
  bars: [
    { label: 'faster', value: 2, role: 'garner' },
    { label: 'slower', value: 0.5, role: 'anchor' },
    { label: 'no figure', value: Number.NaN, role: 'other' },
  ],
  marks: [{ value: 0.9, label: 'target' }],
}

/** The x, width of each bar's rect, in order. */
function bars(svg: string): { x: number; width: number }[] {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((match) => ({
    x: Number(match[1]),
    width: Number(match[2]),
  }))
}

/** The x of the solid 1.0× line. */
function referenceX(svg: string): number {
  const match = /<line x1="([\d.]+)"[^>]*stroke="#1f2328"/.exec(svg)
  if (match === null) throw new Error('no reference line')
  return Number(match[1])
}

describe('chartSvg', () => {
  const svg = chartSvg(chart)

  it('is an SVG image with an escaped title and a description naming every value', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('role="img"')
    expect(svg).toContain('<title id="title">Hits &lt;in process&gt; &amp; more</title>')
    expect(svg).toMatch(/<desc id="desc">[^<]*faster: 2\.00×; slower: 0\.50×; target: 0\.90×/)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  })

  it('draws one bar per finite ratio, right of 1.0× when faster and left when slower', () => {
    const [faster, slower, ...rest] = bars(svg)
    expect(rest).toEqual([])
    const one = referenceX(svg)
    expect(faster!.x).toBeCloseTo(one, 0)
    expect(slower!.x + slower!.width).toBeCloseTo(one, 0)
    // A log scale: 2× and 0.5× are equally far from 1.0×.
    expect(faster!.width).toBeCloseTo(slower!.width, 0)
  })

  it('marks the target with a dashed line and its label', () => {
    expect(svg).toContain('stroke-dasharray')
    expect(svg).toContain('>target 0.90×</text>')
  })
})
