import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@garner/source'] },
  ssr: { resolve: { conditions: ['@garner/source'] } },
  test: {
    name: 'demo',
    include: ['src/**/*.test.ts'],
    // Workspace packages run from their TypeScript sources (the @garner/source export condition).
    server: { deps: { inline: [/@garner\//] } },
    globalSetup: ['./scripts/generate-for-tests.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
