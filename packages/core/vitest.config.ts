import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@garner/source'] },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
