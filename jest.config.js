// Jest under native ESM (see README "Tests"): ts-jest compiles, `tsc --noEmit` type-checks.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
// ESM-only packages that CommonJS dependencies `require` (Node 20 can, Jest's module system cannot):
// transpile just those to CommonJS.
const esmOnlyRequired = ['content-disposition'];
const toCommonJs = ['ts-jest', { useESM: false, tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': tsJest,
    [`/node_modules/(${esmOnlyRequired.join('|')})/.+\\.js$`]: toCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyRequired.join('|')})/)`],
  testEnvironment: 'node',
  // Property tests drive hundreds of real commands; on a loaded 2-core machine 5 s is too tight.
  testTimeout: 60_000,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tmp/'],
};
export default {
  // Also at the top level: Jest 30 reads testTimeout from the global config, so inside `projects` alone it
  // left hooks (beforeAll starting the app and seeding a plan) on the 5 s default and they timed out under load.
  testTimeout: 60_000,
  // E2E_DB=postgres (npm run test:e2e:pg): a run id naming the run's databases, all dropped at the end.
  globalSetup: '<rootDir>/test/support/pg-setup.mjs',
  globalTeardown: '<rootDir>/test/support/pg-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{src,workflows,config}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
