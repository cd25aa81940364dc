// One vitest run from the root executes every package's project.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Every package's project, the bench's own logic, the demo's end-to-end suite, the demo's
    // fault suite, the Redis Cluster suites, and the demo behind Varnish.
    projects: [
      'packages/*',
      'apps/*',
      'bench',
      'apps/demo/vitest.faults.config.ts',
      'vitest.cluster.config.ts',
      'apps/demo/vitest.edge.config.ts',
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
