// The open recording in the worker: opening (the previous one stays open until a new one has opened), annotations
// added from other files, its summary for the UI, and pages of traces — montage, default channel view, display
// filter and min/max decimation done here, off the main thread.
import { channelType, defaultShownChannels } from '../dsp/channelTypes';
import { minMaxColumns } from '../dsp/decimate';
import { applyDisplayFilter, NO_FILTER } from '../dsp/displayFilter';
import { bipolarDerivations, commonAverage, type Derivation } from '../dsp/montage';
import { microvoltsPerUnit } from '../dsp/units';
import { annotationTarget, importAnnotations, withAnnotations } from '../io/annotationImport';
import { openRecording } from '../io/open';
import type { Annotation, Recording } from '../io/recording';
import { clockTime, dataTime } from '../io/recordTimes';
import { blobSource } from '../io/sources';
import type { AnnotationImport, AnnotationSummary, ClockRun, PageData, PageRequest, PageTrace, RecordingSummary } from './api';

/** Extra seconds read on each side of a page so the display filters have settled inside it. */
const FILTER_MARGIN_SEC = 2;
/** The default view shows at most this many traces before falling back to a cap's 10-20 electrodes. */
const DEFAULT_MAX_SHOWN = 24;

interface AddedAnnotations {
  readonly name: string;
  readonly annotations: readonly Annotation[];
}

export class RecordingService {
  /** The open recording with the added annotations merged in (what decoding and the views read). */
  recording: Recording | null = null;
  private file: Recording | null = null;
  private sizeBytes = 0;
  private added: AddedAnnotations[] = [];

  /** Opens a file; on failure the current recording is kept and the reader's error goes to the caller. */
  async open(file: Blob, name: string): Promise<RecordingSummary> {
    const next = await openRecording(blobSource(file, name));
    const previous = this.file;
    this.file = next;
    this.recording = next;
    this.sizeBytes = file.size;
    this.added = [];
    await previous?.close();
    return this.summary();
  }

  /** Adds the annotations of another file (aligned by start times); on failure nothing changes. */
  async addAnnotations(file: Blob, name: string): Promise<AnnotationImport> {
    const base = this.file;
    if (!base) throw new Error('open a recording first, then add its annotations');
    const imported = await importAnnotations(blobSource(file, name), annotationTarget(base));
    this.added = [...this.added, { name, annotations: imported.annotations }];
    this.recording = withAnnotations(base, this.added.flatMap((a) => a.annotations));
    return { recording: this.summary(), added: imported.annotations.length, outside: imported.outside, shiftSec: imported.shiftSec, warnings: imported.warnings };
  }

  private summary(): RecordingSummary {
    const file = this.file!;
    const own = file.annotations.map((a) => annotationSummary(file, a));
    const added = this.added.flatMap(({ name, annotations }) => annotations.map((a) => ({ ...annotationSummary(file, a), source: name })));
    return { ...summarise(file, this.sizeBytes), annotations: [...own, ...added].sort((a, b) => a.onsetSec - b.onsetSec) };
  }

  require(): Recording {
    if (!this.recording) throw new Error('no recording is open');
    return this.recording;
  }

  async page(request: PageRequest): Promise<PageData> {
    const recording = this.require();
    const channels = recording.header.channels;
    const derivations = derivationsOf(recording, request.montage);
    const types = derivations.map((d) => channelType(channels[d.plus]!.label, channels[d.plus]!.unit));
    const hidden = request.hidden ?? defaultHidden(derivations, types);
    const shown = derivations.flatMap((d, i) => (hidden.includes(d.label) ? [] : [{ ...d, type: types[i]! }]));
    const firstTrace = Math.max(0, Math.min(request.firstTrace, shown.length - request.maxTraces));
    const visible = shown.slice(firstTrace, firstTrace + request.maxTraces);
    const start = Math.max(0, request.startSec - FILTER_MARGIN_SEC);
    const end = Math.min(recording.durationSec, request.startSec + request.durationSec + FILTER_MARGIN_SEC);
    const needed = [...new Set(request.montage === 'average' ? averageGroup(recording) : visible.flatMap((d) => (d.minus === null ? [d.plus] : [d.plus, d.minus])))];
    const read = await recording.readChannels(needed, start, end - start);
    const signals = new Map<number, Float32Array>();
    needed.forEach((index, i) => {
      const scale = microvoltsPerUnit(channels[index]!.unit) ?? 1;
      signals.set(index, scale === 1 ? read[i]! : read[i]!.map((v) => v * scale));
    });
    if (request.montage === 'average') {
      const group = averageGroup(recording);
      const averaged = commonAverage(group.map((i) => signals.get(i)!));
      group.forEach((index, i) => signals.set(index, averaged[i]!));
    }
    const traces: PageTrace[] = visible.map((d) => {
      const info = channels[d.plus]!;
      const a = signals.get(d.plus)!;
      const b = d.minus === null ? null : signals.get(d.minus)!;
      const raw = b ? Float32Array.from({ length: Math.min(a.length, b.length) }, (_, i) => a[i]! - b[i]!) : a;
      // Display filters are for electrophysiology; respiration, temperature and markers are shown as recorded.
      const filtered = applyDisplayFilter(raw, info.sampleRateHz, d.type === 'resp' || d.type === 'other' ? NO_FILTER : request.filter);
      const from = Math.round((request.startSec - start) * info.sampleRateHz);
      const to = Math.min(filtered.length, from + Math.round(request.durationSec * info.sampleRateHz));
      const { min, max } = minMaxColumns(filtered.subarray(from, Math.max(from + 1, to)), request.columns);
      const scale = microvoltsPerUnit(info.unit);
      const unit = scale !== null ? 'µV' : info.unit;
      const range = physicalRange(recording, d);
      return { label: d.label, unit, type: d.type, physicalMin: range[0] * (scale ?? 1), physicalMax: range[1] * (scale ?? 1), min, max };
    });
    return {
      startSec: request.startSec,
      durationSec: request.durationSec,
      clockStartSec: clockTime(recording, request.startSec),
      traces,
      allLabels: derivations.map((d) => d.label),
      hidden,
      shownCount: shown.length,
      firstTrace,
    };
  }
}

/** The labels the default view hides (see defaultShownChannels). */
function defaultHidden(derivations: readonly Derivation[], types: readonly ReturnType<typeof channelType>[]): string[] {
  const shown = new Set(defaultShownChannels(derivations.map((d, i) => ({ label: d.label, type: types[i]! })), DEFAULT_MAX_SHOWN));
  return derivations.flatMap((d, i) => (shown.has(i) ? [] : [d.label]));
}

/** The header's physical range of a channel, or of a derivation's difference. */
function physicalRange(recording: Recording, d: Derivation): [number, number] {
  const plus = recording.header.channels[d.plus]!;
  if (d.minus === null) return [plus.physicalMin, plus.physicalMax];
  const minus = recording.header.channels[d.minus]!;
  return [plus.physicalMin - minus.physicalMax, plus.physicalMax - minus.physicalMin];
}

/** Where each continuous stretch of records starts, in data seconds and on the clock (io/recordTimes.ts's clock). */
function clockRuns(recording: Recording): ClockRun[] {
  const dur = recording.header.recordDurationSec;
  const runs: ClockRun[] = [];
  let previous = Number.NaN;
  for (let r = 0; r < recording.recordStartTimesSec.length; r++) {
    const start = clockTime(recording, r * dur);
    if (r === 0 || Math.abs(start - (previous + dur)) > 1e-6) runs.push({ dataSec: r * dur, clockSec: start });
    previous = start;
  }
  return runs.length > 0 ? runs : [{ dataSec: 0, clockSec: 0 }];
}

function annotationSummary(recording: Recording, a: Annotation): AnnotationSummary {
  return { onsetSec: a.onsetSec, dataSec: dataTime(recording, a.onsetSec), durationSec: a.durationSec, description: a.description };
}

/** Channels averaged by the common average reference: voltage channels at the most common sample rate. */
function averageGroup(recording: Recording): number[] {
  const channels = recording.header.channels;
  const rates = new Map<number, number>();
  for (const c of channels) if (microvoltsPerUnit(c.unit) !== null) rates.set(c.sampleRateHz, (rates.get(c.sampleRateHz) ?? 0) + 1);
  const rate = [...rates].sort((a, b) => b[1] - a[1])[0]?.[0];
  return channels.flatMap((c, i) => (c.sampleRateHz === rate && microvoltsPerUnit(c.unit) !== null ? [i] : []));
}

function derivationsOf(recording: Recording, montage: PageRequest['montage']): Derivation[] {
  const channels = recording.header.channels;
  if (montage === 'bipolar') {
    const pairs = bipolarDerivations(channels.map((c) => c.label));
    if (pairs.length === 0) throw new Error('this recording has no 10-20 electrode pairs for the bipolar (double banana) montage');
    return pairs;
  }
  if (montage === 'average') return averageGroup(recording).map((i) => ({ label: channels[i]!.label, plus: i, minus: null }));
  return channels.map((c, i) => ({ label: c.label, plus: i, minus: null }));
}

export function summarise(recording: Recording, sizeBytes: number): RecordingSummary {
  const h = recording.header;
  return {
    name: recording.source.name,
    sizeBytes,
    format: h.format,
    patientId: h.patientId,
    recordingId: h.recordingId,
    startIso: h.startDate ? h.startDate.toISOString() : null,
    durationSec: recording.durationSec,
    nRecords: h.nRecords,
    recordDurationSec: h.recordDurationSec,
    hasGaps: recording.hasGaps,
    channels: h.channels.map((c) => ({ label: c.label, unit: c.unit, sampleRateHz: c.sampleRateHz, nSamples: c.nSamples, type: channelType(c.label, c.unit) })),
    annotations: recording.annotations.map((a) => annotationSummary(recording, a)),
    warnings: recording.warnings,
    bipolarAvailable: bipolarDerivations(h.channels.map((c) => c.label)).length > 0,
    runs: clockRuns(recording),
  };
}
