// The Redis Cluster section of docs/benchmarks.md: written by `bench:cluster`, kept by `pnpm bench`.

export const CLUSTER_START = '<!-- cluster-bench:start -->'
export const CLUSTER_END = '<!-- cluster-bench:end -->'

/** The cluster section of a report, if it has one. */
export function clusterSection(report: string): string | undefined {
  const start = report.indexOf(CLUSTER_START)
  const end = report.indexOf(CLUSTER_END)
  return start >= 0 && end > start ? report.slice(start, end + CLUSTER_END.length) : undefined
}

/** The report with its cluster section replaced (or appended). */
export function withClusterSection(report: string, section: string): string {
  const existing = clusterSection(report)
  if (existing !== undefined) return report.replace(existing, () => section)
  return `${report.trimEnd()}\n\n${section}\n`
}
