// The build settings every published package shares: ESM for Node 20, with declarations. A plain
// object: each package's tsdown.config.ts spreads it into defineConfig, which checks it there
// (tsdown is a dependency of the packages, not of the repository root).
export const packageBuild = {
  format: 'esm',
  dts: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // `.js` and `.d.ts` (the packages are "type": "module"), not `.mjs` and `.d.mts`.
  fixedExtension: false,
} as const
