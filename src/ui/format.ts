// Small display helpers shared by the views, and the one time convention of the app: a moment of a recording is
// shown as its clock time with its offset in seconds after the recording's start, "23:15:30 (1 530 s)", in the
// traces, the spectrogram, the hypnogram and the decode views alike. Two clocks exist (see io/recording.ts): data
// seconds count samples from the first one (gaps of EDF+D excluded), clock seconds count from the header's start
// time; dataToClockSec / clockToDataSec convert through the recording's continuous runs.
import type { RecordingSummary } from '../worker/api';

type Clocked = Pick<RecordingSummary, 'startIso' | 'runs'>;

/** Clock time (HH:MM:SS) of `clockSec` seconds after the recording's header start, or "+N s" without a start date. */
export function clockLabel(recording: Pick<RecordingSummary, 'startIso'>, clockSec: number): string {
  if (!recording.startIso) return `+${offsetLabel(clockSec)}`;
  const t = new Date(Date.parse(recording.startIso) + Math.floor(clockSec) * 1000);
  return t.toISOString().slice(11, 19);
}

/** Seconds after the start, with a thin space every three digits: "1 530 s", "12.5 s". */
export function offsetLabel(clockSec: number, decimals = 0): string {
  const [whole, fraction] = Math.abs(clockSec).toFixed(decimals).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
  return `${clockSec < 0 ? '−' : ''}${grouped}${fraction ? `.${fraction}` : ''} s`;
}

/** The app's time convention: "23:15:30 (1 530 s)"; the offset alone where the start date is unknown. */
export function timeLabel(recording: Pick<RecordingSummary, 'startIso'>, clockSec: number, decimals = 0): string {
  return recording.startIso ? `${clockLabel(recording, clockSec)} (${offsetLabel(clockSec, decimals)})` : offsetLabel(clockSec, decimals);
}

/** Clock seconds of a data second, through the continuous runs of the recording. */
export function dataToClockSec(recording: Clocked, dataSec: number): number {
  let run = recording.runs[0] ?? { dataSec: 0, clockSec: 0 };
  for (const r of recording.runs) if (r.dataSec <= dataSec) run = r;
  return run.clockSec + (dataSec - run.dataSec);
}

/** Data seconds of a clock second (a moment inside a gap maps to the start of the next run). */
export function clockToDataSec(recording: Clocked, clockSec: number): number {
  const runs = recording.runs.length > 0 ? recording.runs : [{ dataSec: 0, clockSec: 0 }];
  let run = runs[0]!;
  for (const r of runs) if (r.clockSec <= clockSec) run = r;
  const next = runs[runs.indexOf(run) + 1];
  const dataSec = run.dataSec + (clockSec - run.clockSec);
  return next && dataSec > next.dataSec ? next.dataSec : dataSec;
}

/** The message of an error as the worker or reader wrote it (never a bare stack). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');

/** Okabe–Ito palette: distinguishable with common colour-vision deficiencies. */
export const CLASS_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export function download(name: string, content: Uint8Array | string | Blob, type = 'application/octet-stream'): void {
  const blob = content instanceof Blob ? content : new Blob([content as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
