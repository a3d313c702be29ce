// Mutation fuzzing of every reader that takes user bytes: EDF/BDF (headers, records, TALs, gzip), safetensors,
// .pth (zip structures; and the pickle stream inside, re-zipped with valid CRCs) and model bundles (bundle.json). Each case must end
// in a successful read or one of our typed errors, within a time and memory bound. Used by `npm run fuzz`
// (thousands of cases, scripts/fuzz.ts) and by a seeded few hundred in the unit tests (src/io/fuzz.test.ts).
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Random, seededRandom } from '../dsp/random';
import { EdfFormatError, WeightsError } from '../io/errors';
import { openRecording } from '../io/open';
import { readPthStateDict } from '../io/pth';
import type { ByteSource } from '../io/recording';
import { readSafetensors } from '../io/safetensors';
import { readWeights } from '../io/weights';
import { crc32, openZip } from '../io/zip';
import { ModelShapeError } from '../model';

/** A file of this repository. (Not through testing/shared.ts: that imports vitest, which every fuzz process would load.) */
const fromRepo = (path: string): URL => new URL(`../../${path}`, import.meta.url);

export type FuzzTarget = 'edf' | 'edf-gz' | 'bdf' | 'safetensors' | 'pth' | 'pickle' | 'bundle';
export const FUZZ_TARGETS: readonly FuzzTarget[] = ['edf', 'edf-gz', 'bdf', 'safetensors', 'pth', 'pickle', 'bundle'];

export type Outcome = 'read' | 'typed-error';

export interface FuzzFailure {
  readonly target: FuzzTarget;
  readonly caseIndex: number;
  readonly seed: number;
  readonly problem: string;
  readonly input: Uint8Array;
}

/** Errors a reader may throw on bad input: each names what is wrong and where. */
export function isTypedError(e: unknown): boolean {
  return e instanceof EdfFormatError || e instanceof WeightsError || e instanceof ModelShapeError;
}

// ---------------------------------------------------------------------------------------------- seed inputs

const bytesSource = (bytes: Uint8Array, name: string): ByteSource => ({
  name,
  size: bytes.length,
  read: async (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
});

const ascii = (text: string, width: number): string => text.slice(0, width).padEnd(width, ' ');

/** The demo recording cut to its first `nRecords` records (an EDF+C with 64 signals and an annotation signal). */
function smallEdf(nRecords: number): Uint8Array {
  const full = new Uint8Array(gunzipSync(readFileSync(fromRepo('public/demo/S001R04.edf.gz'))));
  const text = (o: number, n: number) => new TextDecoder('latin1').decode(full.subarray(o, o + n)).trim();
  const ns = Number(text(252, 4));
  const headerBytes = 256 * (ns + 1);
  let recordBytes = 0;
  for (let i = 0; i < ns; i++) recordBytes += 2 * Number(text(256 + 216 * ns + 8 * i, 8));
  const out = full.slice(0, headerBytes + nRecords * recordBytes);
  out.set(new TextEncoder().encode(ascii(String(nRecords), 8)), 236);
  return out;
}

/** A small BDF+C: two 24-bit signals at 64 Hz and a "BDF Annotations" signal, three 1-s records. */
function smallBdf(): Uint8Array {
  const signals = [
    { label: 'Fp1', unit: 'uV', n: 64 },
    { label: 'Fp2', unit: 'uV', n: 64 },
    { label: 'BDF Annotations', unit: '', n: 20 },
  ];
  const ns = signals.length;
  const nRecords = 3;
  let h = '';
  h += ascii('BIOSEMI', 7); // after the 0xFF byte
  h += ascii('X X X X', 80) + ascii('Startdate 01-JAN-2020 X X X', 80) + '01.01.2008.00.00' + ascii(String(256 * (ns + 1)), 8) + ascii('BDF+C', 44);
  h += ascii(String(nRecords), 8) + ascii('1', 8) + ascii(String(ns), 4);
  const field = (f: (s: (typeof signals)[number]) => string, w: number) => signals.map((s) => ascii(f(s), w)).join('');
  h += field((s) => s.label, 16) + field(() => 'AgAgCl', 80) + field((s) => s.unit, 8);
  h += field((s) => (s.unit ? '-262144' : '-1'), 8) + field((s) => (s.unit ? '262143' : '1'), 8);
  h += field(() => '-8388608', 8) + field(() => '8388607', 8) + field(() => '', 80) + field((s) => String(s.n), 8) + field(() => '', 32);
  const header = new Uint8Array(1 + h.length);
  header[0] = 0xff;
  header.set(new TextEncoder().encode(h), 1);
  const recordBytes = signals.reduce((a, s) => a + 3 * s.n, 0);
  const data = new Uint8Array(nRecords * recordBytes);
  let o = 0;
  for (let r = 0; r < nRecords; r++) {
    for (const s of signals) {
      if (!s.unit) {
        const tal = new TextEncoder().encode(`+${r}\x14\x14\x00${r === 1 ? '+1.5\x150.5\x14stim\x14\x00' : ''}`);
        data.set(tal.subarray(0, 3 * s.n), o);
        o += 3 * s.n;
        continue;
      }
      for (let i = 0; i < s.n; i++, o += 3) {
        const v = Math.round(100000 * Math.sin((2 * Math.PI * 10 * (r * s.n + i)) / s.n)) & 0xffffff;
        data[o] = v & 0xff;
        data[o + 1] = (v >> 8) & 0xff;
        data[o + 2] = (v >> 16) & 0xff;
      }
    }
  }
  return concatBytes(header, data);
}

/** A zip of stored entries (PyTorch writes .pth so), CRCs correct: mutated pickles get past the CRC check. */
export function storedZip(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    const crc = crc32(data);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const c = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    c.set(nameBytes, 46);
    parts.push(local, data);
    central.push(c);
    offset += local.length + data.length;
  }
  const centralBytes = central.reduce((a, c) => a + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.size, true);
  ev.setUint16(10, entries.size, true);
  ev.setUint32(12, centralBytes, true);
  ev.setUint32(16, offset, true);
  return concatBytes(...parts, ...central, eocd);
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface Seeds {
  readonly edf: Uint8Array;
  readonly bdf: Uint8Array;
  readonly safetensors: Uint8Array;
  readonly pth: Uint8Array;
  readonly pthEntries: Map<string, Uint8Array>;
  readonly pickleName: string;
  readonly bundle: Map<string, Uint8Array>;
}

let seeds: Seeds | null = null;

function loadSeeds(): Seeds {
  if (seeds) return seeds;
  const pth = new Uint8Array(readFileSync(fromRepo('src/io/testdata/finetune_wrapper.pth')));
  const zip = openZip(pth);
  const pthEntries = new Map([...zip.entries.keys()].map((name) => [name, zip.read(name).slice()]));
  const pickleName = [...pthEntries.keys()].find((n) => n.endsWith('data.pkl'))!;
  const bundle = new Map(['bundle.json', 'expert1.safetensors', 'expert2.safetensors', 'expert3.safetensors', 'head.safetensors'].map((f) => [f, new Uint8Array(readFileSync(fromRepo(`models/specmoe-demo-mi/${f}`)))]));
  seeds = { edf: smallEdf(3), bdf: smallBdf(), safetensors: bundle.get('head.safetensors')!, pth, pthEntries, pickleName, bundle };
  return seeds;
}

// ---------------------------------------------------------------------------------------------- mutations

const INTERESTING_NUMBERS = ['-1', '0', '1', '-0', '1e308', '-1e308', '99999999', '-9999999', 'NaN', 'inf', '', ' ', '0x10', '1.5', '00000001', '2147483648', '+1'];
const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x14, 0x15, 0x2b, 0x2d, 0x20, 0x2e, 0x22, 0x7b, 0x5d];

/** Overwrites an ASCII header field (EDF/BDF layout) with an interesting value. */
function mutateEdfField(bytes: Uint8Array, random: Random): void {
  const ns = Math.max(1, Math.min(256, Number(new TextDecoder('latin1').decode(bytes.subarray(252, 256)).trim()) || 1));
  const fixed: [number, number][] = [[168, 8], [176, 8], [184, 8], [192, 44], [236, 8], [244, 8], [252, 4], [0, 8]];
  const widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
  let start = 256;
  const perSignal: [number, number][] = [];
  for (const w of widths) {
    const i = random.int(ns);
    perSignal.push([start + w * i, w]);
    start += w * ns;
  }
  const [offset, width] = random.next() < 0.4 ? fixed[random.int(fixed.length)]! : perSignal[random.int(perSignal.length)]!;
  const value = random.next() < 0.8 ? INTERESTING_NUMBERS[random.int(INTERESTING_NUMBERS.length)]! : String.fromCharCode(...Array.from({ length: width }, () => random.int(256)));
  const encoded = new Uint8Array(width).fill(0x20);
  for (let i = 0; i < Math.min(width, value.length); i++) encoded[i] = value.charCodeAt(i) & 0xff;
  if (offset + width <= bytes.length) bytes.set(encoded, offset);
}

function flipBytes(bytes: Uint8Array, random: Random, region?: [number, number]): void {
  const [lo, hi] = region ?? [0, bytes.length];
  const n = 1 + random.int(8);
  for (let k = 0; k < n && hi > lo; k++) {
    const i = lo + random.int(hi - lo);
    bytes[i] = random.next() < 0.5 ? INTERESTING_BYTES[random.int(INTERESTING_BYTES.length)]! : random.int(256);
  }
}

/** Generic structural mutations: cut, extend, duplicate or delete a span. */
function reshape(bytes: Uint8Array, random: Random): Uint8Array {
  const kind = random.int(4);
  const at = random.int(bytes.length + 1);
  if (kind === 0) return bytes.slice(0, at); // truncation
  if (kind === 1) {
    return concatBytes(bytes, new Uint8Array(1 + random.int(4096)).map(() => random.int(256)));
  }
  const len = Math.min(bytes.length - at, 1 + random.int(512));
  if (kind === 2) {
    const out = new Uint8Array(bytes.length + len);
    out.set(bytes.subarray(0, at + len));
    out.set(bytes.subarray(at, at + len), at + len);
    out.set(bytes.subarray(at + len), at + 2 * len);
    return out;
  }
  const out = new Uint8Array(bytes.length - len);
  out.set(bytes.subarray(0, at));
  out.set(bytes.subarray(at + len), at);
  return out;
}

function mutateBinary(seed: Uint8Array, random: Random, headerBytes: number): Uint8Array {
  let out: Uint8Array = seed.slice();
  const rounds = 1 + random.int(3);
  for (let r = 0; r < rounds; r++) {
    const p = random.next();
    if (p < 0.45) flipBytes(out, random, [0, Math.min(out.length, headerBytes)]);
    else if (p < 0.75) flipBytes(out, random);
    else out = reshape(out, random);
  }
  return out;
}

function mutateEdf(seed: Uint8Array, random: Random): Uint8Array {
  const rounds = 1 + random.int(3);
  let bytes: Uint8Array = seed.slice();
  for (let r = 0; r < rounds; r++) {
    const p = random.next();
    if (p < 0.5) mutateEdfField(bytes, random);
    else if (p < 0.8) flipBytes(bytes, random, random.next() < 0.5 ? [0, Math.min(bytes.length, 256 * 66)] : undefined);
    else bytes = reshape(bytes, random);
  }
  return bytes;
}

interface SafetensorsParts {
  readonly header: Record<string, unknown>;
  readonly data: Uint8Array;
}

/** The safetensors header is JSON after an 8-byte length; the data buffer follows. */
function splitSafetensors(bytes: Uint8Array): SafetensorsParts {
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  return { header, data: bytes.subarray(8 + headerLen) };
}

function joinSafetensors({ header, data }: SafetensorsParts): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

export const LAYOUT_FAULTS = ['overlap', 'hole', 'trailing'] as const;
export type LayoutFault = (typeof LAYOUT_FAULTS)[number];

/**
 * Breaks how the tensors tile the data buffer, leaving every entry valid on its own: `overlap` moves a tensor back
 * into the one before it, `hole` inserts bytes before a tensor and shifts it and those after, `trailing` appends
 * bytes after the last tensor. The reference reader refuses all three.
 */
export function breakSafetensorsLayout(seed: Uint8Array, fault: LayoutFault, random: Random): Uint8Array {
  const { header, data } = splitSafetensors(seed);
  const slots = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([, entry]) => entry as { data_offsets: [number, number] })
    .sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
  const extra = 1 + random.int(64);
  if (fault === 'trailing') return joinSafetensors({ header, data: concatBytes(data, new Uint8Array(extra)) });
  if (fault === 'overlap') {
    const slot = slots[1 + random.int(slots.length - 1)]!;
    const shift = Math.min(slot.data_offsets[0], extra);
    slot.data_offsets = [slot.data_offsets[0] - shift, slot.data_offsets[1] - shift];
    return joinSafetensors({ header, data });
  }
  const at = random.int(slots.length);
  const offset = slots[at]!.data_offsets[0];
  for (const slot of slots.slice(at)) slot.data_offsets = [slot.data_offsets[0] + extra, slot.data_offsets[1] + extra];
  return joinSafetensors({ header, data: concatBytes(data.subarray(0, offset), new Uint8Array(extra), data.subarray(offset)) });
}

/** Mutates the header length, the tiling of the data buffer, the JSON header, or any bytes. */
function mutateSafetensors(seed: Uint8Array, random: Random): Uint8Array {
  const headerLen = Number(new DataView(seed.buffer, seed.byteOffset, seed.byteLength).getBigUint64(0, true));
  const p = random.next();
  if (p < 0.15) {
    const out = seed.slice();
    const values = [0n, 1n, 2n ** 32n, 2n ** 63n, BigInt(headerLen + 1), BigInt(seed.length), BigInt(headerLen - 1)];
    new DataView(out.buffer).setBigUint64(0, values[random.int(values.length)]!, true);
    return out;
  }
  if (p < 0.3) return breakSafetensorsLayout(seed, LAYOUT_FAULTS[random.int(LAYOUT_FAULTS.length)]!, random);
  if (p < 0.6) {
    const parts = splitSafetensors(seed);
    mutateJson(parts.header, random);
    return joinSafetensors(parts);
  }
  return mutateBinary(seed, random, 8 + headerLen);
}

/**
 * Values the JSON mutations insert: frozen, and inserted as copies. Inserted by reference, a later mutation of the
 * same tree could walk into one and set a key of it to itself (a tree that contains itself: JSON.stringify throws),
 * and the change stayed in this table for every later case, so a case depended on the cases run before it.
 */
const JSON_VALUES: readonly unknown[] = Object.freeze(
  [null, -1, 0, 1, 1e308, -1e308, 2 ** 53, 0.5, '', 'F16', 'I64', 'X', [], [0], [-1, 2], [1e9, 1e9], {}, { a: 1 }, true, 'experts.0.Down1.features1.0.weight'].map((v) =>
    typeof v === 'object' && v !== null ? Object.freeze(v) : v,
  ),
);

const jsonValue = (random: Random): unknown => structuredClone(JSON_VALUES[random.int(JSON_VALUES.length)]);

/** Replaces, deletes or adds a value somewhere in a JSON tree. */
function mutateJson(root: unknown, random: Random): void {
  let node = root;
  for (let depth = 0; depth < 6; depth++) {
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[random.int(keys.length)]!;
    const child = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && random.next() < 0.6) {
      node = child;
      continue;
    }
    const p = random.next();
    if (p < 0.2 && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
    else if (p < 0.3) (node as Record<string, unknown>)[`${key}_x`] = jsonValue(random);
    else (node as Record<string, unknown>)[key] = jsonValue(random);
    return;
  }
}

function mutatePickle(seed: Uint8Array, random: Random): Uint8Array {
  return mutateBinary(seed, random, seed.length);
}

/** A mutated case of a target: its bytes (for bundles, the mutated bundle.json; the other files stay). */
export function makeCase(target: FuzzTarget, random: Random): Uint8Array {
  const s = loadSeeds();
  switch (target) {
    case 'edf':
      return mutateEdf(s.edf, random);
    case 'edf-gz':
      return random.next() < 0.5 ? new Uint8Array(gzipSync(mutateEdf(s.edf, random))) : mutateBinary(new Uint8Array(gzipSync(s.edf)), random, 64);
    case 'bdf':
      return mutateEdf(s.bdf, random);
    case 'safetensors':
      return mutateSafetensors(s.safetensors, random);
    case 'pth':
      return mutateBinary(s.pth, random, s.pth.length);
    case 'pickle': {
      // The pickle stream mutated, then zipped again with correct CRCs so the reader gets to unpickle it.
      const entries = new Map(s.pthEntries);
      entries.set(s.pickleName, mutatePickle(s.pthEntries.get(s.pickleName)!, random));
      return storedZip(entries);
    }
    case 'bundle': {
      const text = new TextDecoder().decode(s.bundle.get('bundle.json')!);
      if (random.next() < 0.3) return mutateBinary(new TextEncoder().encode(text), random, text.length);
      const json = JSON.parse(text) as unknown;
      for (let k = 1 + random.int(3); k > 0; k--) mutateJson(json, random);
      return new TextEncoder().encode(JSON.stringify(json));
    }
  }
}

/** A target's unmutated input. */
export function seedBytes(target: FuzzTarget): Uint8Array {
  const s = loadSeeds();
  switch (target) {
    case 'edf':
      return s.edf;
    case 'edf-gz':
      return new Uint8Array(gzipSync(s.edf));
    case 'bdf':
      return s.bdf;
    case 'safetensors':
      return s.safetensors;
    case 'pth':
      return s.pth;
    case 'pickle':
      return storedZip(s.pthEntries);
    case 'bundle':
      return s.bundle.get('bundle.json')!;
  }
}

// ---------------------------------------------------------------------------------------------- running

/** Reads a case the way the app does; resolves with what was read, or throws. */
export async function readCase(target: FuzzTarget, bytes: Uint8Array): Promise<void> {
  const s = loadSeeds();
  switch (target) {
    case 'edf':
    case 'edf-gz':
    case 'bdf': {
      const recording = await openRecording(bytesSource(bytes, target === 'edf-gz' ? 'case.edf.gz' : `case.${target}`), { maxGunzippedBytes: 64 << 20 });
      try {
        const { channels } = recording.header;
        for (let c = 0; c < channels.length; c++) {
          const n = channels[c]!.nSamples;
          await recording.readSamples(c, 0, Math.min(n, 4096));
          if (n > 4096) await recording.readSamples(c, n - 100, 100);
        }
        void recording.annotations.length;
      } finally {
        await recording.close();
      }
      return;
    }
    case 'safetensors':
      readSafetensors(bytes);
      return;
    case 'pth':
    case 'pickle':
      readPthStateDict(bytes);
      return;
    case 'bundle': {
      const files = new Map(s.bundle);
      files.set('bundle.json', bytes);
      await readWeights(files);
      return;
    }
  }
}

export interface CaseResult {
  readonly outcome: Outcome | 'failure';
  readonly problem?: string;
  readonly ms: number;
  readonly memoryDeltaMB: number;
}

/** Runs one case: failure when an untyped error escapes, or it takes longer than `maxMs` or grows memory past `maxMB`. */
export async function runCase(target: FuzzTarget, bytes: Uint8Array, maxMs = 5000, maxMB = 512): Promise<CaseResult> {
  const before = process.memoryUsage();
  const t0 = performance.now();
  let outcome: CaseResult['outcome'] = 'read';
  let problem: string | undefined;
  try {
    await readCase(target, bytes);
  } catch (e) {
    if (isTypedError(e)) outcome = 'typed-error';
    else {
      outcome = 'failure';
      const err = e as Error;
      problem = `untyped ${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)}\n${(err?.stack ?? '').split('\n').slice(1, 4).join('\n')}`;
    }
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const memoryDeltaMB = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
  if (outcome !== 'failure' && ms > maxMs) {
    outcome = 'failure';
    problem = `took ${ms.toFixed(0)} ms (bound ${maxMs} ms)`;
  }
  if (outcome !== 'failure' && memoryDeltaMB > maxMB) {
    outcome = 'failure';
    problem = `memory grew by ${memoryDeltaMB.toFixed(0)} MB (bound ${maxMB} MB)`;
  }
  return { outcome, ms, memoryDeltaMB, ...(problem ? { problem } : {}) };
}

/** What one case came to. A skip is a case the mutator could not build (a bug of the mutator, not of a reader). */
export type CaseReport =
  | { readonly caseIndex: number; readonly seed: number; readonly outcome: 'skipped'; readonly reason: string }
  | ({ readonly caseIndex: number; readonly seed: number; /** Kept for failures only. */ readonly input?: Uint8Array } & CaseResult);

export interface FuzzSkip {
  readonly caseIndex: number;
  readonly seed: number;
  readonly reason: string;
}

export interface FuzzSummary {
  readonly target: FuzzTarget;
  /** Cases `from` … `from + cases − 1`. */
  readonly from: number;
  readonly cases: number;
  read: number;
  typedErrors: number;
  readonly skips: FuzzSkip[];
  readonly failures: FuzzFailure[];
  slowestMs: number;
  slowestCase: number;
  maxMemoryDeltaMB: number;
}

export function emptySummary(target: FuzzTarget, from: number, cases: number): FuzzSummary {
  return { target, from, cases, read: 0, typedErrors: 0, skips: [], failures: [], slowestMs: 0, slowestCase: -1, maxMemoryDeltaMB: 0 };
}

/** Counts a case into a summary (in the process that ran it, and in the supervisor that watched it). */
export function addCase(summary: FuzzSummary, r: CaseReport): void {
  if (r.outcome === 'skipped') {
    summary.skips.push({ caseIndex: r.caseIndex, seed: r.seed, reason: r.reason });
    return;
  }
  if (r.ms > summary.slowestMs) {
    summary.slowestMs = r.ms;
    summary.slowestCase = r.caseIndex;
  }
  summary.maxMemoryDeltaMB = Math.max(summary.maxMemoryDeltaMB, r.memoryDeltaMB);
  if (r.outcome === 'read') summary.read++;
  else if (r.outcome === 'typed-error') summary.typedErrors++;
  else summary.failures.push({ target: summary.target, caseIndex: r.caseIndex, seed: r.seed, problem: r.problem!, input: r.input! });
}

/** Case i of a run with `seed` uses its own seed, so any case replays alone. */
export const caseSeed = (seed: number, caseIndex: number): number => (seed * 1_000_003 + caseIndex) >>> 0;

export type CaseBuilder = (target: FuzzTarget, random: Random) => Uint8Array;

/** Builds and runs case `caseIndex`; a mutator that throws makes the case a skip. */
export async function fuzzCase(target: FuzzTarget, seed: number, caseIndex: number, build: CaseBuilder = makeCase): Promise<CaseReport> {
  const thisSeed = caseSeed(seed, caseIndex);
  let input: Uint8Array;
  try {
    input = build(target, seededRandom(thisSeed));
  } catch (e) {
    const reason = `${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    return { caseIndex, seed: thisSeed, outcome: 'skipped', reason };
  }
  const result = await runCase(target, input);
  return { caseIndex, seed: thisSeed, ...result, ...(result.outcome === 'failure' ? { input } : {}) };
}

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Index of the first case. */
  readonly from?: number;
  /** `makeCase` unless a test gives a mutator that misbehaves. */
  readonly build?: CaseBuilder;
  /** Told of each case when it is done, before the next starts (the supervisor of `npm run fuzz` listens). */
  readonly onReport?: (report: CaseReport) => void | Promise<void>;
}

/** Runs the seeded cases `from` … `from + cases − 1` of one target. */
export async function fuzzTarget(target: FuzzTarget, options: FuzzOptions): Promise<FuzzSummary> {
  const { seed, cases, from = 0, build, onReport } = options;
  const summary = emptySummary(target, from, cases);
  for (let i = from; i < from + cases; i++) {
    const report = await fuzzCase(target, seed, i, build);
    addCase(summary, report);
    await onReport?.(report);
  }
  return summary;
}
