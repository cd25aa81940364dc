// StrykerJS over @garner/core's source (pnpm test:mutation). See CONTRIBUTING.md, "Mutation testing".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // pnpm does not hoist plugins where Stryker looks for them: name the runner explicitly.
  plugins: ['@stryker-mutator/vitest-runner'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['packages/core/src/**/*.ts', '!packages/core/src/**/*.test.ts'],
  // Mutate the files where they are: the workspace's symlinked packages resolve to them as they are.
  inPlace: true,
  coverageAnalysis: 'perTest',
  // Mutants of module-level code (constants, patterns) can only be tested by reloading every
  // module and running the whole suite for each one; they are reported as ignored instead.
  ignoreStatic: true,
  // The machine is shared: raise it with --concurrency on a machine of your own.
  concurrency: 2,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
