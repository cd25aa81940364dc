// The markers around the section of docs/benchmarks.md that `pnpm bench:digests` writes and
// `pnpm bench` keeps.
export const DIGESTS_START = '<!-- digests:start -->'
export const DIGESTS_END = '<!-- digests:end -->'
