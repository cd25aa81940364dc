import { defineConfig } from 'tsdown'

export default defineConfig({
  // The extension, and the garner-prisma generator that `prisma generate` runs (the bin).
  entry: { index: 'src/index.ts', generator: 'src/generator/main.ts' },
  tsconfig: 'tsconfig.build.json',
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  fixedExtension: false,
})
