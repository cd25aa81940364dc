// Tables and numbers, for the terminal and for Markdown.

export interface Table {
  readonly title: string
  readonly head: readonly string[]
  readonly rows: readonly (readonly string[])[]
  /** Columns aligned left; the others are right-aligned (numbers). Default: the first. */
  readonly leftColumns?: number
}

/** Plain text with aligned columns, for the terminal. */
export function textTable(table: Table): string {
  const left = table.leftColumns ?? 1
  const all = [table.head, ...table.rows]
  const widths = table.head.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  )
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column < left ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [table.title, line(table.head), rule, ...table.rows.map(line)].join('\n')
}

/** A GitHub Markdown table (without its title). */
export function markdownTable(table: Table): string {
  const left = table.leftColumns ?? 1
  const escapePipes = (cell: string): string => cell.replaceAll('|', '\\|')
  const row = (cells: readonly string[]): string => `| ${cells.map(escapePipes).join(' | ')} |`
  const align = table.head.map((_, column) => (column < left ? ':--' : '--:'))
  return [
    row(table.head),
    `|${align.map((cell) => ` ${cell} `).join('|')}|`,
    ...table.rows.map(row),
  ].join('\n')
}

/** 3 significant digits with a unit: `8.12 M/s`, `412 k/s`, `850 /s`. */
export function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a'
  if (perSecond >= 1e6) return `${significant(perSecond / 1e6)} M/s`
  if (perSecond >= 1e3) return `${significant(perSecond / 1e3)} k/s`
  return `${significant(perSecond)} /s`
}

/** A duration in microseconds: `0.124 µs`, `85.1 µs`, `1.52 ms`. */
export function micros(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a'
  if (value >= 1000) return `${significant(value / 1000)} ms`
  return `${significant(value)} µs`
}

/** A ratio: `0.85×`. */
export function times(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '–'
  return ratio >= 10 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

function significant(value: number): string {
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1)
  if (value >= 1) return value.toFixed(2)
  return value.toPrecision(3)
}
