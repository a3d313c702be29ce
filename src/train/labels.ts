// Where fine-tuning labels come from: EDF+ annotation texts mapped to classes (e.g. eegmmidb T1 → left fist,
// T2 → right fist, T0 ignored), or a CSV of onset, duration, label. Errors name the entry, line and column.
import { splitDelimited } from '../io/annotationTable';

export class LabelError extends Error {
  override readonly name = 'LabelError';
}

/** Parses "T1=left fist,T2=right fist" into an ordered annotation → class map. */
export function parseLabelMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new LabelError('the label map is empty; write it as ANNOTATION=CLASS pairs, e.g. T1=left,T2=right');
  entries.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new LabelError(`label map entry ${i + 1} "${entry}" is not ANNOTATION=CLASS`);
    const annotation = entry.slice(0, eq).trim();
    if (map.has(annotation)) throw new LabelError(`label map entry ${i + 1}: "${annotation}" is mapped twice`);
    map.set(annotation, entry.slice(eq + 1).trim());
  });
  return map;
}

/** Class names in first-appearance order of a label map (T1=left,T2=right → [left, right]). */
export function classesOf(map: ReadonlyMap<string, string>): string[] {
  return [...new Set(map.values())];
}

export interface CsvLabel {
  readonly onsetSec: number;
  readonly durationSec: number;
  readonly label: string;
}

/** onset,duration,label rows (seconds; header optional; commas inside quotes allowed). */
export function parseLabelCsv(text: string): CsvLabel[] {
  const rows: CsvLabel[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = splitDelimited(line, ',');
    if (i === 0 && Number.isNaN(Number(cells[0]))) return; // header
    if (cells.length < 3) throw new LabelError(`labels CSV line ${i + 1}: expected onset,duration,label, found ${cells.length} column(s)`);
    const onsetSec = Number(cells[0]);
    const durationSec = Number(cells[1]);
    if (!Number.isFinite(onsetSec) || onsetSec < 0) throw new LabelError(`labels CSV line ${i + 1}, column 1: onset "${cells[0]}" is not a non-negative number`);
    if (!Number.isFinite(durationSec) || durationSec <= 0) throw new LabelError(`labels CSV line ${i + 1}, column 2: duration "${cells[1]}" is not a positive number`);
    const label = cells[2]!.trim();
    if (!label) throw new LabelError(`labels CSV line ${i + 1}, column 3: empty label`);
    rows.push({ onsetSec, durationSec, label });
  });
  return rows;
}

/**
 * Subject of an eegmmidb-style file name ("S001R04.edf" → "S001") or a Sleep-EDF one ("SC4012E0-PSG.edf" → "SC401",
 * subject 01 of the SC study, night 2); otherwise the name without extension.
 */
export function subjectOf(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  const m = /^(S\d{3})R\d{2}/i.exec(base) ?? /^(S[CT]\d{3})\d[A-Z][A-Z0-9]/i.exec(base);
  return m ? m[1]!.toUpperCase() : base.replace(/\.(edf|bdf)(\.gz)?$/i, '');
}
