// The test run StrykerJS mutates @garner/core against (pnpm test:mutation): core's own unit tests
// plus the core conformance suite over the in-process stores (memoryStore, and Keyv on its Map for
// the Keyv driver). Redis-backed suites are left out: each mutant re-runs the tests that cover
// it, and a real server makes that far too slow.
import { defineConfig } from 'vitest/config'

process.env.GARNER_STORE_TARGETS = 'memory,keyv-map'

export default defineConfig({
  resolve: { conditions: ['@garner/source'] },
  ssr: { resolve: { conditions: ['@garner/source'] } },
  test: {
    name: 'mutation',
    include: ['packages/core/src/**/*.test.ts', 'packages/fixtures/src/stores.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    server: { deps: { inline: [/@garner\//] } },
  },
})
