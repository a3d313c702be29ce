// Annotations as a text table: CSV or TSV with onset, duration and description columns, as spreadsheets, scoring
// software and MNE-Python (`Annotations.save`: .csv with ISO date-times, .txt with seconds) write them. A header row
// is optional (without one the columns are onset, duration, description, or onset, description); lines starting
// with "#" are comments. Onsets are seconds after the recording's start, ISO date-times, or clock times of day.
// Errors name the file, line and column.

export class AnnotationFileError extends Error {
  override readonly name = 'AnnotationFileError';
}

export type TableOnset =
  | { readonly kind: 'seconds'; readonly sec: number }
  | { readonly kind: 'datetime'; readonly date: Date }
  | { readonly kind: 'timeOfDay'; readonly secOfDay: number };

export interface TableAnnotation {
  readonly onset: TableOnset;
  readonly durationSec: number | null;
  readonly description: string;
  /** 1-based line in the file. */
  readonly line: number;
}

/** Splits one delimited line; quoted cells may hold the delimiter and doubled quotes. */
export function splitDelimited(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/** An onset cell, or null when it is not one. Date-times without a zone are read as the EDF header's clock (UTC). */
export function parseOnset(cell: string): TableOnset | null {
  const s = cell.trim();
  if (s === '') return null;
  const seconds = Number(s);
  if (Number.isFinite(seconds)) return { kind: 'seconds', sec: seconds };
  const dt = DATETIME.exec(s);
  if (dt) {
    const [, y, mo, d, h, mi, sec, zone] = dt;
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), 0) + Number(sec) * 1000;
    const offsetMs = zone && zone !== 'Z' ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000 : 0;
    const date = new Date(utc - offsetMs);
    return Number.isNaN(date.getTime()) ? null : { kind: 'datetime', date };
  }
  const t = TIME_OF_DAY.exec(s);
  if (t && Number(t[1]) < 24 && Number(t[2]) < 60 && Number(t[3]) < 61) return { kind: 'timeOfDay', secOfDay: Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3]) };
  return null;
}

const ONSET_NAMES = /^(onset|start|begin|time|onset_?s(ec)?|start_?s(ec)?)$/i;
const DURATION_NAMES = /^(duration|dur|length|duration_?s(ec)?)$/i;
const DESCRIPTION_NAMES = /^(description|label|annotation|event|stage|text|type|class|name)$/i;

interface Columns {
  readonly onset: number;
  readonly duration: number | null;
  readonly description: number;
}

function columnsOfHeader(cells: readonly string[], name: string, line: number): Columns {
  const find = (pattern: RegExp) => cells.findIndex((c) => pattern.test(c.trim()));
  const onset = find(ONSET_NAMES);
  const duration = find(DURATION_NAMES);
  const description = find(DESCRIPTION_NAMES);
  const missing = [onset < 0 ? 'onset' : '', description < 0 ? 'description' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw new AnnotationFileError(`${name} line ${line}: the header (${cells.map((c) => `"${c.trim()}"`).join(', ')}) has no ${missing.join(' or ')} column; name them onset, duration, description`);
  }
  return { onset, duration: duration < 0 ? null : duration, description };
}

export function readAnnotationTable(text: string, name: string): TableAnnotation[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const first = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (first < 0) throw new AnnotationFileError(`${name} holds no annotation rows`);
  const sample = lines[first]!;
  const delimiter = sample.includes('\t') ? '\t' : sample.includes(',') || !sample.includes(';') ? ',' : ';';
  const headerCells = splitDelimited(sample, delimiter);
  const hasHeader = parseOnset(headerCells[0] ?? '') === null;
  const columns: Columns = hasHeader
    ? columnsOfHeader(headerCells, name, first + 1)
    : headerCells.length >= 3
      ? { onset: 0, duration: 1, description: 2 }
      : { onset: 0, duration: null, description: 1 };
  const rows: TableAnnotation[] = [];
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const cells = splitDelimited(raw, delimiter);
    const line = i + 1;
    const needed = Math.max(columns.onset, columns.duration ?? 0, columns.description) + 1;
    if (cells.length < needed) throw new AnnotationFileError(`${name} line ${line}: expected ${needed} columns separated by "${delimiter === '\t' ? 'tab' : delimiter}", found ${cells.length}`);
    const onsetCell = cells[columns.onset]!;
    const onset = parseOnset(onsetCell);
    if (!onset) throw new AnnotationFileError(`${name} line ${line}, column ${columns.onset + 1}: onset "${onsetCell.trim()}" is not seconds, a date-time (2024-01-31 23:15:00) or a clock time (23:15:00)`);
    let durationSec: number | null = null;
    if (columns.duration !== null && cells[columns.duration]!.trim() !== '') {
      const cell = cells[columns.duration]!.trim();
      durationSec = Number(cell);
      if (!Number.isFinite(durationSec) || durationSec < 0) throw new AnnotationFileError(`${name} line ${line}, column ${columns.duration + 1}: duration "${cell}" is not a number of seconds ≥ 0`);
    }
    const description = cells[columns.description]!.trim();
    if (!description) throw new AnnotationFileError(`${name} line ${line}, column ${columns.description + 1}: the description is empty`);
    rows.push({ onset, durationSec, description, line });
  }
  if (rows.length === 0) throw new AnnotationFileError(`${name} holds a header but no annotation rows`);
  return rows;
}
