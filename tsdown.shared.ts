// The build settings every published package shares: ESM for Node 20, with declarations.
import type { UserConfig } from 'tsdown'

export const packageBuild: UserConfig = {
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // `.js` and `.d.ts` (the packages are "type": "module"), not `.mjs` and `.d.mts`.
  fixedExtension: false,
}
