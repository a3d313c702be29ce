// `npm run bench -- dsp [--hours 8] [--channels 19] [--resample chunked|whole|both] [--tasks stft,welch,resample]`: our float64 DSP beside SciPy
// on the same synthetic night (19 channels × H hours), each side in its own process so its peak RSS is its own:
//   * STFT at 200 Hz, nperseg 400, noverlap 200 (src/dsp/stft.ts vs scipy.signal.stft), channel by channel, ours
//     writing each channel's spectrum over the previous one's arrays (fresh ones cost ~140 ms of page faults each);
//   * the SpecMoE gate's Welch PSD (src/dsp/welch.ts; ARCHITECTURE.md §7: 30-s segments → nperseg 2·fs = 400,
//     noverlap fs = 200, whole-segment mean removed, bins not doubled) of every 30-s segment of every channel, vs
//     scipy.signal.welch(detrend=False) on the mean-removed segments with the one-sided doubling undone;
//   * resampling 160 → 200 Hz and 256 → 200 Hz (src/dsp/resample.ts vs scipy.signal.resample). "chunked" resamples
//     the chunks decodeRecording reads (src/pipeline/decode.ts: 32 segments of 30 s + 4-s margins, ≈ 968 s each, resampled
//     whole by prepareChannels), ours writing each chunk over the previous one's output (resample's `out`: a fresh
//     1.5-MB array cost ~1–4 ms of page faults per chunk in this loop, while numpy's allocations reuse heap memory
//     here); "whole" resamples each whole channel at once, as the authors' loaders call scipy.
// The synthetic signal is the same formula on both sides (bench/peers/dsp_scipy.py `synth`); generating it is not
// timed. Before timing, our outputs are compared with SciPy's on a small slice (max abs diff printed).
// A workload whose first run takes more than 20 s is run once; otherwise the median of 3 runs is reported.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberOption, option, parseArgs } from '../src/cli/command';
import { resampleRate } from '../src/dsp/resample';
import { frequencyMajor, stft, type StftBuffers } from '../src/dsp/stft';
import { welchPsd, welchSettings } from '../src/dsp/welch';
import { REPO_ROOT } from '../src/cli/paths';

const FS = 200;
const SEGMENT_SEC = 30;
const STFT_OPTIONS = { sampleRateHz: FS, nperseg: 400, noverlap: 200 };
/** decodeRecording's chunking (src/pipeline/decode.ts: chunkSegments default 32, MARGIN_SEC 4). */
const CHUNK_SEGMENTS = 32;
const MARGIN_SEC = 4;
const REPEAT_LIMIT_SEC = 20;
const PEER_SCRIPT = resolve(REPO_ROOT, 'bench/peers/dsp_scipy.py');

type Task = 'stft' | 'welch' | 'resample';
type ResampleMode = 'chunked' | 'whole';

interface Measure {
  runs: number[];
  baselineRssMB: number;
  peakRssMB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Channel c of the synthetic night at fs Hz: three sines + hash noise (identical in dsp_scipy.py). */
export function synth(c: number, n: number, fs: number): Float64Array {
  const x = new Float64Array(n);
  const offset = Math.imul(0x9e3779b9, c + 1) >>> 0;
  const [f1, f2, f3] = [2 * Math.PI * (0.5 + 0.37 * c), 2 * Math.PI * (10 + 0.21 * c), 2 * Math.PI * (22.5 + 0.13 * c)];
  for (let i = 0; i < n; i++) {
    let h = (i + offset) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    const t = i / fs;
    let v = 30 * Math.sin(f1 * t);
    v += 12 * Math.sin(f2 * t);
    v += 4 * Math.sin(f3 * t + 0.5 * c);
    v += 10 * (h / 4294967296 - 0.5);
    x[i] = v;
  }
  return x;
}

/** [start, stop) samples of the chunks decodeRecording reads from an n-sample channel at fs Hz. */
function decodeChunks(n: number, fs: number): [number, number][] {
  const duration = n / fs;
  const nSegments = Math.floor(duration / SEGMENT_SEC + 1e-9);
  const out: [number, number][] = [];
  for (let first = 0; first < nSegments; first += CHUNK_SEGMENTS) {
    const last = Math.min(nSegments, first + CHUNK_SEGMENTS) - 1;
    const start = Math.max(0, first * SEGMENT_SEC - MARGIN_SEC);
    const end = Math.min(duration, last * SEGMENT_SEC + SEGMENT_SEC + MARGIN_SEC);
    out.push([Math.round(start * fs), Math.round(end * fs)]);
  }
  return out;
}

/** One pass of a workload over all channels; seconds spent in our DSP (generation excluded). */
function ourWork(task: Task, hours: number, channels: number, fromHz: number, mode: ResampleMode): number {
  const fs = task === 'resample' ? fromHz : FS;
  const n = Math.round(hours * 3600 * fs);
  const { nperseg, noverlap } = welchSettings(SEGMENT_SEC, FS);
  const segment = SEGMENT_SEC * FS;
  let total = 0;
  let sink = 0; // keeps the outputs observable
  let buffers: StftBuffers | undefined; // channel c's STFT is written over channel c − 1's (see StftBuffers)
  let out: Float64Array | undefined; // each resampled chunk is written over the previous one's
  for (let c = 0; c < channels; c++) {
    const x = synth(c, n, fs);
    const t0 = performance.now();
    if (task === 'stft') {
      buffers = stft(x, STFT_OPTIONS, buffers);
      sink += buffers.data[2]!;
    } else if (task === 'welch') {
      for (let s = 0; (s + 1) * segment <= n; s++) sink += welchPsd(x.subarray(s * segment, (s + 1) * segment), FS, nperseg, noverlap)[1]!;
    } else if (mode === 'whole') {
      sink += resampleRate(x, fs, FS)[1]!;
    } else {
      const chunks = decodeChunks(n, fs);
      out ??= new Float64Array(Math.max(...chunks.map(([a, b]) => Math.round(((b - a) * FS) / fs))));
      for (const [a, b] of chunks) sink += resampleRate(x.subarray(a, b), fs, FS, out)[1]!;
    }
    total += performance.now() - t0;
  }
  if (Number.isNaN(sink)) throw new Error('NaN in DSP output');
  return total / 1000;
}

/** Child process: `tsx bench/dsp.ts --child <task> <hours> <channels> <fromHz> <mode>` → JSON Measure. */
function child(argv: string[]): void {
  const [task, hours, channels, fromHz, mode] = argv;
  const baselineRssMB = process.memoryUsage.rss() / 2 ** 20;
  const once = () => ourWork(task as Task, Number(hours), Number(channels), Number(fromHz), mode as ResampleMode);
  const runs = [once()];
  if (runs[0]! <= REPEAT_LIMIT_SEC) runs.push(once(), once());
  console.log(JSON.stringify({ runs, baselineRssMB, peakRssMB: process.resourceUsage().maxRSS / 1024 } satisfies Measure));
}

function findPython(): { python: string | null; note: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const version = execFileSync(python, ['-c', 'import scipy, numpy; print(scipy.__version__, numpy.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const [scipy, numpy] = version.split(' ');
      return { python, note: `${python} (SciPy ${scipy}, NumPy ${numpy})` };
    } catch {
      // next candidate
    }
  }
  return { python: null, note: 'none of /usr/bin/python3, python3 imports scipy' };
}

function ours(task: Task, hours: number, channels: number, fromHz = FS, mode: ResampleMode = 'chunked'): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', task, String(hours), String(channels), String(fromHz), mode], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

function peer(python: string, task: Task, hours: number, channels: number, fromHz = FS, mode: ResampleMode = 'chunked'): Measure {
  const args = [PEER_SCRIPT, task, String(hours), String(channels), ...(task === 'resample' ? [String(fromHz), mode] : [])];
  const out = execFileSync(python, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

const f64 = (path: string) => new Float64Array(new Uint8Array(readFileSync(path)).buffer);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  if (a.length !== b.length) throw new Error(`output lengths differ: ours ${a.length}, scipy ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { diff, scale };
}

/** Our outputs against SciPy's on small slices of the synthetic data (channel 3). */
function check(python: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'specmoe-bench-dsp-'));
  try {
    const x200 = synth(3, 60 * FS, FS); // 60 s
    const segments = synth(3, 2 * SEGMENT_SEC * FS, FS); // two gate segments
    const chunk = (rate: number) => synth(3, 968 * rate, rate); // one 968-s decode chunk
    writeFileSync(join(dir, 'stft.in.f64'), x200);
    writeFileSync(join(dir, 'welch.in.f64'), segments);
    for (const rate of [160, 256]) writeFileSync(join(dir, `resample${rate}.in.f64`), chunk(rate));
    execFileSync(python, [PEER_SCRIPT, 'check', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const lines: string[] = [];
    const row = (what: string, r: { diff: number; scale: number }) => lines.push(`| ${what} | ${r.diff.toExponential(2)} | ${r.scale.toPrecision(4)} |`);
    const s = frequencyMajor(stft(x200, STFT_OPTIONS));
    row('STFT re, 60 s × 1 channel (201 × 61)', maxAbsDiff(s.re, f64(join(dir, 'stft_re.scipy.f64'))));
    row('STFT im', maxAbsDiff(s.im, f64(join(dir, 'stft_im.scipy.f64'))));
    const { nperseg, noverlap } = welchSettings(SEGMENT_SEC, FS);
    const psd = new Float64Array(2 * (nperseg / 2 + 1));
    for (let k = 0; k < 2; k++) psd.set(welchPsd(segments.subarray(k * 6000, (k + 1) * 6000), FS, nperseg, noverlap), k * (nperseg / 2 + 1));
    row('gate Welch PSD, 2 × 30-s segments', maxAbsDiff(psd, f64(join(dir, 'welch.scipy.f64'))));
    for (const rate of [160, 256]) row(`resample ${rate} → 200 Hz, one 968-s chunk`, maxAbsDiff(resampleRate(chunk(rate), rate, FS), f64(join(dir, `resample${rate}.scipy.f64`))));
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['hours', 'channels', 'resample', 'tasks']);
  const tasks = option(args, 'tasks', 'stft,welch,resample')!.split(',');
  const hours = numberOption(args, 'hours', 8);
  const channels = numberOption(args, 'channels', 19);
  const resampleOpt = option(args, 'resample', 'chunked')!;
  const modes: ResampleMode[] = resampleOpt === 'both' ? ['chunked', 'whole'] : [resampleOpt as ResampleMode];
  if (modes.some((m) => m !== 'chunked' && m !== 'whole')) throw new Error(`--resample must be chunked, whole or both, got ${resampleOpt}`);
  const { python, note } = findPython();
  console.log(`dsp bench: ${channels} channels × ${hours} h of synthetic EEG; ours (float64 TypeScript, mixed-radix FFT + Bluestein) vs ${python ? `SciPy via ${note}` : 'no peer'}`);
  if (!python) console.log(`scipy absent: peer skipped (${note})`);
  else {
    console.log('\nSame work check (ours vs SciPy on slices of channel 3):\n| output | max abs diff | max abs SciPy value |\n|---|---:|---:|');
    for (const line of check(python)) console.log(line);
  }
  const workloads: { label: string; task: Task; fromHz?: number; mode?: ResampleMode }[] = [
    { label: `STFT 200 Hz (nperseg 400, noverlap 200)`, task: 'stft' },
    { label: `gate Welch PSD per 30-s segment (nperseg 400, noverlap 200)`, task: 'welch' },
  ];
  for (const mode of tasks.includes('resample') ? modes : []) {
    for (const fromHz of [160, 256]) {
      const how = mode === 'chunked' ? 'decode chunks of 968 s' : 'whole channel';
      workloads.push({ label: `resample ${fromHz} → 200 Hz, ${how}`, task: 'resample', fromHz, mode });
    }
  }
  console.log(`\n| work (${channels} ch × ${hours} h) | ours s | SciPy s | ours / SciPy | ours peak RSS MiB | SciPy peak RSS MiB | runs (ours/SciPy) |`);
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const w of workloads.filter((x) => tasks.includes(x.task))) {
    const o = ours(w.task, hours, channels, w.fromHz, w.mode);
    const p = python ? peer(python, w.task, hours, channels, w.fromHz, w.mode) : null;
    const [os, ps] = [median(o.runs), p ? median(p.runs) : Number.NaN];
    const runs = `${o.runs.length}/${p ? p.runs.length : '—'}`;
    console.log(
      `| ${w.label} | ${os.toFixed(2)} | ${p ? ps.toFixed(2) : '—'} | ${p ? (os / ps).toFixed(1) : '—'} | ${o.peakRssMB.toFixed(0)} | ${p ? p.peakRssMB.toFixed(0) : '—'} | ${runs} |`,
    );
  }
  console.log(`\nTimes: median of 3 runs, or 1 run where the first took > ${REPEAT_LIMIT_SEC} s; signal generation excluded. Peak RSS is each process's whole high-water mark (Node + tsx, or Python + NumPy/SciPy).`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === '--child') child(process.argv.slice(3));
