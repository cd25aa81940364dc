import { defineConfig } from 'tsdown'
import { packageBuild } from '../../tsdown.shared.js'

export default defineConfig({
  ...packageBuild,
  // The extension, and the garner-prisma generator that `prisma generate` runs (the bin).
  entry: { index: 'src/index.ts', generator: 'src/generator/main.ts' },
  tsconfig: 'tsconfig.build.json',
})
