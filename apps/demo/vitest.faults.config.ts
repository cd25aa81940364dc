// The fault suite (`pnpm test:faults`, and part of `pnpm test`): faults caused for real against
// the demo (Redis killed, paused, corrupted; two processes), concurrency and hostile input.
import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'faults',
  include: ['faults/**/*.test.ts'],
  // The cluster failover suite runs in the cluster project (vitest.cluster.config.ts).
  exclude: ['faults/**/*.cluster.test.ts'],
  globalSetup: ['./scripts/generate-for-tests.ts'],
  testTimeout: 120_000,
})
