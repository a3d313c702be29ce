// `npm run bench -- edf [--gib 1] [--window-sec 10] [--no-mne]`: decode EDF to physical values with our reader
// (window by window, as the app does) and with MNE-Python (`read_raw_edf(preload=True)`, Debian's python3-mne),
// on a real eegmmidb file and on a ≥ 1 GiB EDF+ written here from it (src/testing/bigEdf.ts). Each reader runs
// in its own process, so its peak RSS is its own. Figures go to docs/edf-reader.md and docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { numberOption, parseArgs } from '../src/cli/command';
import { repeatedEdf } from '../src/testing/bigEdf';
import { DATA_DIR, REPO_ROOT } from '../src/cli/paths';

const PYTHON = '/usr/bin/python3';
const MB = 1e6;

interface Measure {
  reader: string;
  openSec: number;
  totalSec: number;
  peakRssMB: number;
  baselineRssMB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function ours(path: string, source: 'file' | 'blob', windowSec: number, repeats: number): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'bench/edfReadWindows.ts'), path, source, String(windowSec), String(repeats)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out) as { runs: { openSec: number; readSec: number }[]; baselineRssMB: number; peakRssMB: number };
  return {
    reader: source === 'file' ? `ours, file handle (${windowSec}-s windows)` : `ours, Blob slices (${windowSec}-s windows)`,
    openSec: median(r.runs.map((x) => x.openSec)),
    totalSec: median(r.runs.map((x) => x.openSec + x.readSec)),
    peakRssMB: r.peakRssMB,
    baselineRssMB: r.baselineRssMB,
  };
}

const MNE_SCRIPT = `
import json, resource, sys, time
import mne
def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
baseline = rss_mb()
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    raw = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose='error')
    times.append(time.perf_counter() - t)
    del raw
print(json.dumps({'times': times, 'baseline': baseline, 'peak': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

function hasMne(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import mne'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function mne(path: string, repeats: number): Measure {
  const r = JSON.parse(execFileSync(PYTHON, ['-c', MNE_SCRIPT, path, String(repeats)], { encoding: 'utf8' })) as { times: number[]; baseline: number; peak: number };
  return { reader: 'MNE 1.3 read_raw_edf(preload=True)', openSec: Number.NaN, totalSec: median(r.times), peakRssMB: r.peak, baselineRssMB: r.baseline };
}

function table(file: string, bytes: number, rows: Measure[]): string {
  const peer = rows.find((r) => r.reader.startsWith('MNE'));
  const lines = [
    `\n${file}: ${(bytes / MB).toFixed(1)} MB`,
    '| reader | open s | total s | MB/s | × MNE throughput | peak RSS MB | above baseline MB |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const mbs = bytes / MB / r.totalSec;
    const ratio = peer ? (peer.totalSec / r.totalSec).toFixed(1) : 'n/a';
    const open = Number.isNaN(r.openSec) ? '—' : r.openSec.toFixed(3);
    lines.push(`| ${r.reader} | ${open} | ${r.totalSec.toFixed(3)} | ${mbs.toFixed(0)} | ${ratio} | ${r.peakRssMB.toFixed(0)} | ${(r.peakRssMB - r.baselineRssMB).toFixed(0)} |`);
  }
  return lines.join('\n');
}

async function writeSynthetic(base: Uint8Array, gib: number, path: string): Promise<number> {
  const { recordBytes } = await repeatedEdf(base, 1);
  const big = await repeatedEdf(base, Math.ceil((gib * 2 ** 30) / recordBytes));
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0; offset < big.size; offset += 8 << 20) writeSync(fd, await big.read(offset, 8 << 20));
  } finally {
    closeSync(fd);
  }
  return big.nRecords;
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['gib', 'window-sec']);
  const gib = numberOption(args, 'gib', 1);
  const windowSec = numberOption(args, 'window-sec', 10);
  const withMne = !args.flags.has('no-mne') && hasMne();
  const dir = mkdtempSync(join(tmpdir(), 'specmoe-bench-edf-'));
  try {
    const base = new Uint8Array(gunzipSync(readFileSync(join(DATA_DIR, 'eegmmidb/S001/S001R04.edf.gz'))));
    const real = join(dir, 'S001R04.edf');
    writeFileSync(real, base);
    const synthetic = join(dir, `synthetic_${gib}GiB.edf`);
    const nRecords = await writeSynthetic(base, gib, synthetic);
    console.log(`edf bench: our reader vs ${withMne ? 'MNE-Python 1.3 (Debian python3-mne)' : 'no peer (MNE absent or --no-mne)'}; files in ${dir}`);
    console.log(`synthetic: S001R04's 125 records repeated to ${nRecords} (64 EEG channels at 160 Hz + EDF Annotations)`);
    for (const [path, repeats] of [[real, 15], [synthetic, 1]] as const) {
      const rows = [ours(path, 'file', windowSec, repeats), ours(path, 'blob', windowSec, repeats)];
      if (withMne) rows.push(mne(path, repeats));
      console.log(table(path === real ? 'eegmmidb S001R04.edf (real)' : `synthetic EDF+C, ${gib} GiB`, statSync(path).size, rows));
    }
    if (!withMne) console.log('\nMNE not measured: /usr/bin/python3 with mne is absent (or --no-mne).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
