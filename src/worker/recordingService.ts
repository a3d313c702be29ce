// The open recording in the worker: opening (the previous one stays open until a new one has opened), its summary
// for the UI, and pages of traces — montage, display filter and min/max decimation done here, off the main thread.
import { minMaxColumns } from '../dsp/decimate';
import { applyDisplayFilter } from '../dsp/displayFilter';
import { bipolarDerivations, commonAverage, type Derivation } from '../dsp/montage';
import { microvoltsPerUnit } from '../dsp/units';
import { openRecording } from '../io/open';
import type { Recording } from '../io/recording';
import { clockTime, dataTime } from '../io/recordTimes';
import { blobSource } from '../io/sources';
import type { PageData, PageRequest, PageTrace, RecordingSummary } from './api';

/** Extra seconds read on each side of a page so the display filters have settled inside it. */
const FILTER_MARGIN_SEC = 2;

export class RecordingService {
  recording: Recording | null = null;

  /** Opens a file; on failure the current recording is kept and the reader's error goes to the caller. */
  async open(file: Blob, name: string): Promise<RecordingSummary> {
    const next = await openRecording(blobSource(file, name));
    const previous = this.recording;
    this.recording = next;
    await previous?.close();
    return summarise(next, file.size);
  }

  require(): Recording {
    if (!this.recording) throw new Error('no recording is open');
    return this.recording;
  }

  async page(request: PageRequest): Promise<PageData> {
    const recording = this.require();
    const channels = recording.header.channels;
    const derivations = derivationsOf(recording, request.montage);
    const visible = derivations.filter((d) => !request.hidden.includes(d.label));
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
      const filtered = applyDisplayFilter(raw, info.sampleRateHz, request.filter);
      const from = Math.round((request.startSec - start) * info.sampleRateHz);
      const to = Math.min(filtered.length, from + Math.round(request.durationSec * info.sampleRateHz));
      const { min, max } = minMaxColumns(filtered.subarray(from, Math.max(from + 1, to)), request.columns);
      const unit = microvoltsPerUnit(info.unit) !== null ? 'µV' : info.unit;
      return { label: d.label, unit, min, max };
    });
    return { startSec: request.startSec, durationSec: request.durationSec, clockStartSec: clockTime(recording, request.startSec), traces, allLabels: derivations.map((d) => d.label) };
  }
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
    channels: h.channels.map((c) => ({ label: c.label, unit: c.unit, sampleRateHz: c.sampleRateHz, nSamples: c.nSamples })),
    annotations: recording.annotations.map((a) => ({ onsetSec: a.onsetSec, dataSec: dataTime(recording, a.onsetSec), durationSec: a.durationSec, description: a.description })),
    warnings: recording.warnings,
    bipolarAvailable: bipolarDerivations(h.channels.map((c) => c.label)).length > 0,
  };
}
