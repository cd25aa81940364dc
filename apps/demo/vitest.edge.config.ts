// The edge suite (part of `pnpm test`): the demo behind a real varnishd (Debian's varnish and
// varnish-modules), purged by surrogate key on every write.
import { garnerProject } from '../../vitest.project.js'

export default garnerProject({
  name: 'edge',
  include: ['edge/**/*.test.ts'],
  globalSetup: ['./scripts/generate-for-tests.ts'],
  testTimeout: 120_000,
})
