// vitest globalSetup: the test schema's Prisma Client and Garner schema must exist (and be
// current) before the tests import them.
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain .mjs script without type declarations
import { generate } from '../../../../scripts/prisma-generate.mjs'

export function setup(): void {
  generate(fileURLToPath(new URL('../..', import.meta.url)), 'src/testing/generated')
}
