import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'prisma',
  include: ['src/**/*.test.ts'],
  // Generates the test schema's Prisma Client when it is missing or stale.
  globalSetup: ['./src/testing/generate-for-tests.ts'],
})
