import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'prisma',
  include: ['src/**/*.test.ts'],
  // Generates the test schema's Prisma Clients when missing or stale; starts the run's PostgreSQL.
  globalSetup: ['./src/testing/generate-for-tests.ts', './src/testing/postgres-setup.ts'],
})
