// Small display helpers shared by the views.
import type { RecordingSummary } from '../worker/api';

/** Clock time (HH:MM:SS) of `clockSec` seconds after the recording's header start, or "+Ns" without a start date. */
export function clockLabel(recording: RecordingSummary, clockSec: number): string {
  if (!recording.startIso) return `+${clockSec.toFixed(0)} s`;
  const t = new Date(Date.parse(recording.startIso) + clockSec * 1000);
  return t.toISOString().slice(11, 19);
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
