// The markers around the "Behind Varnish" section of docs/benchmarks.md: `pnpm bench:edge`
// writes between them, and `pnpm bench` keeps what is there when it rewrites the rest.
export const EDGE_BEGIN = '<!-- bench:edge:begin -->'
export const EDGE_END = '<!-- bench:edge:end -->'

/** `report` with the edge section of `previous` (if any) appended. */
export function keepEdgeSection(report: string, previous: string): string {
  const start = previous.indexOf(EDGE_BEGIN)
  const end = previous.indexOf(EDGE_END)
  if (start < 0 || end < start) return report
  return `${report.trimEnd()}\n\n${previous.slice(start, end + EDGE_END.length)}\n`
}
