// The Redis Cluster suites (*.cluster.test.ts in every package, and the demo's cluster
// failover in apps/demo/faults): each file starts a real
// six-node cluster, so they form a project of their own, part of `pnpm test` and runnable alone
// with `pnpm exec vitest run --project cluster`.
import { garnerProject } from './vitest.project.js'

export default garnerProject({
  name: 'cluster',
  include: ['packages/*/src/**/*.cluster.test.ts', 'apps/demo/faults/*.cluster.test.ts'],
  // The demo's Prisma Client must be generated before its suite imports it.
  globalSetup: ['apps/demo/scripts/generate-for-tests.ts'],
  testTimeout: 60_000,
})
