// The folder rules of STYLE.md / README "Architecture", checked by dependency-cruiser in `npm test` (`npm run
// lint:deps`): data flows one way, io → dsp → model → pipeline → worker → ui; runtime serves model, pipeline and
// train; core folders import nothing from worker, ui, cli, bench or the test helpers, run the same in Node and the
// browser (Node-only twins sit in runtime/ as node*.ts), and use no development dependency; no import cycles.
// Tests (*.test.ts, and io/testdata's helpers) may import anything.
const TEST = '\\.test\\.ts$|^src/io/testdata/';
const CORE = '^src/(io|dsp|model|runtime|pipeline|train)/';
const NOT_CORE = '^src/(worker|ui|cli|testing)/|^bench/|^scripts/|^e2e/';

/** Folders each layer must not import (what may be imported follows from the layer order). */
const layers = [
  ['io', '^src/(dsp|model|runtime|pipeline|train)/'],
  ['dsp', '^src/(model|runtime|pipeline|train)/'],
  ['runtime', '^src/(io|dsp|model|pipeline|train)/'],
  ['model', '^src/(pipeline|train)/'],
  ['pipeline', '^src/train/'],
];

module.exports = {
  forbidden: [
    ...layers.map(([layer, above]) => ({
      name: `${layer}-imports-no-later-layer`,
      comment: `src/${layer} is below ${above}: data flows one way (io → dsp → model → pipeline; runtime serves model, pipeline and train)`,
      severity: 'error',
      from: { path: `^src/${layer}/`, pathNot: TEST },
      to: { path: above },
    })),
    {
      name: 'core-imports-no-app-or-harness',
      comment: 'core folders import nothing from worker, ui, cli, bench, scripts, e2e or the test helpers',
      severity: 'error',
      from: { path: CORE, pathNot: TEST },
      to: { path: NOT_CORE },
    },
    {
      name: 'production-imports-no-test-helpers',
      comment: 'only tests (and bench, scripts, e2e) use src/testing: the CLI and the app run without the test runner',
      severity: 'error',
      from: { path: '^src/', pathNot: [TEST, '^src/testing/'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'production-uses-no-dev-dependency',
      comment: 'the CLI and the app run on production dependencies alone (npm ci --omit=dev)',
      severity: 'error',
      from: { path: '^src/', pathNot: [TEST, '^src/testing/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-runs-in-node-and-the-browser',
      comment: "core folders use no Node built-in; Node-only files are runtime's node*.ts twins",
      severity: 'error',
      from: { path: CORE, pathNot: [TEST, '^src/runtime/(wasm/)?node[A-Z][A-Za-z]*\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'app-layers-stay-apart',
      comment: 'the worker and the CLI are two entries on the core: neither imports the other, nor the UI',
      severity: 'error',
      from: { path: '^src/(worker|cli)/', pathNot: TEST },
      to: { path: '^src/(ui)/|^bench/' },
    },
    {
      name: 'ui-talks-only-to-the-worker-api',
      comment: 'src/ui imports only worker/api.ts (types and plain data), its own components and ui/charts',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/', pathNot: ['^src/ui/', '^src/worker/api\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
