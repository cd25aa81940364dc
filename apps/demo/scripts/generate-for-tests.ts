// vitest globalSetup: the generated Prisma client must exist before the tests import it.
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain .mjs script without type declarations
import { generate } from '../../../scripts/prisma-generate.mjs'

export function setup(): void {
  generate(fileURLToPath(new URL('..', import.meta.url)), 'src/generated')
}
