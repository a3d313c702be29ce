export {};
// `npm run bench -- <suite> [options]`: measures speed and memory against the named peer and prints a table.
// Each suite lives in bench/<suite>.ts and exports `run(argv): Promise<void>`.
const SUITES: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  decode: () => import('./decode'),
  dsp: () => import('./dsp'),
  edf: () => import('./edf'),
  finetune: () => import('./finetune'),
  model: () => import('./model'),
  'model-browser': () => import('./modelBrowser'),
};

const [suite, ...rest] = process.argv.slice(2);
const names = Object.keys(SUITES).sort();
if (!suite) {
  for (const name of names) {
    console.log(`\n=== bench ${name} ===`);
    await (await SUITES[name]!()).run(rest);
  }
} else if (!SUITES[suite]) {
  console.error(`unknown bench suite "${suite}"; suites: ${names.join(', ')}`);
  process.exit(1);
} else {
  await (await SUITES[suite]!()).run(rest);
}
