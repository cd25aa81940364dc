// The fault suite (`pnpm test:faults`, and part of `pnpm test`): faults caused for real against
// the demo (Redis killed, paused, corrupted; two processes), concurrency and hostile input.
import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@garner/source'] },
  ssr: { resolve: { conditions: ['@garner/source'] } },
  test: {
    name: 'faults',
    include: ['faults/**/*.test.ts'],
    server: { deps: { inline: [/@garner\//] } },
    globalSetup: ['./scripts/generate-for-tests.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
