/** Tests run as ESM through ts-jest on the node@24 devDependency (npm scripts put it first on PATH). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.test.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-offline.js'],
  // One real test cluster (control plane + node agent) for the run: test/global-setup.js.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker that ran the e2e suites holds several hundred MB and needs more than Jest's default
  // 500 ms to exit on a busy 2-core runner. A worker kept alive by a leaked handle still never
  // exits, and is still reported, after this.
  workerGracefulExitTimeout: 5000,
};
