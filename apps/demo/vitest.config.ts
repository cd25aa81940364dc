import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'demo',
  include: ['src/**/*.test.ts'],
  // The demo's Prisma Client must be generated before the tests import it.
  globalSetup: ['./scripts/generate-for-tests.ts'],
  testTimeout: 30_000,
})
