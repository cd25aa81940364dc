import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@garner/source'] },
  ssr: { resolve: { conditions: ['@garner/source'] } },
  test: {
    name: 'prisma',
    include: ['src/**/*.test.ts'],
    // Generates the test schema's Prisma Client when it is missing or stale.
    globalSetup: ['./src/testing/generate-for-tests.ts'],
    // Workspace packages run from their TypeScript sources (the @garner/source export condition).
    server: { deps: { inline: [/@garner\//] } },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
