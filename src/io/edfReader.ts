// EDF / EDF+ / BDF / BDF+ as a lazy Recording: opening reads the header and the annotation-signal bytes; samples
// are read on demand, only from the data records a request needs.
import { readEdfAnnotations } from './edfAnnotations';
import { readEdfHeader, type EdfLayout, type EdfSignal } from './edfHeader';
import { readSampleRequests } from './edfSamples';
import { discontinuousRecords, gapToleranceSec } from './recordTimes';
import type { Annotation, ByteSource, ChannelInfo, Recording, RecordingHeader } from './recording';

function channelInfo(layout: EdfLayout, signal: EdfSignal, index: number): ChannelInfo {
  return {
    index,
    label: signal.label,
    unit: signal.unit,
    transducer: signal.transducer,
    prefiltering: signal.prefiltering,
    sampleRateHz: signal.samplesPerRecord / layout.recordDurationSec,
    samplesPerRecord: signal.samplesPerRecord,
    nSamples: signal.samplesPerRecord * layout.nRecords,
    physicalMin: signal.physicalMin,
    physicalMax: signal.physicalMax,
    digitalMin: signal.digitalMin,
    digitalMax: signal.digitalMax,
  };
}

/** Annotations whose onset lies before the first record or after the end of the last (known) one. */
function annotationsOutside(annotations: readonly Annotation[], recordStartTimesSec: Float64Array, recordDurationSec: number): Annotation[] {
  let first = Infinity;
  let last = -Infinity;
  for (const start of recordStartTimesSec) {
    if (start < first) first = start;
    if (start > last) last = start;
  }
  if (first === Infinity) return [];
  return annotations.filter((a) => a.onsetSec < first || a.onsetSec > last + recordDurationSec);
}

function clip(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

/** Opens an uncompressed EDF/BDF byte source. Throws EdfFormatError where the file cannot be read. */
export async function openEdf(source: ByteSource): Promise<Recording> {
  const layout = await readEdfHeader(source);
  const dataSignals = layout.signals.filter((s) => !s.isAnnotation);
  const channels = dataSignals.map((s, i) => channelInfo(layout, s, i));
  const { annotations, recordStartTimesSec, warnings: annotationWarnings } = await readEdfAnnotations(source, layout);
  const gaps = discontinuousRecords(recordStartTimesSec, layout.recordDurationSec, gapToleranceSec(channels.map((c) => c.sampleRateHz)));
  const warnings = [...layout.warnings, ...annotationWarnings];
  if (gaps.length > 0 && !layout.format.endsWith('+D')) {
    warnings.push(`${gaps.length} data records of this ${layout.format} file do not follow on from the previous ones (first: record ${gaps[0]})`);
  }
  const outside = channels.length > 0 ? annotationsOutside(annotations, recordStartTimesSec, layout.recordDurationSec) : [];
  if (outside.length > 0) {
    const first = outside[0]!;
    warnings.push(`${outside.length} annotations lie outside the recorded data (e.g. ${JSON.stringify(first.description)} at ${first.onsetSec} s); kept (MNE drops them)`);
  }

  const { bytesPerSample: _bytes, recordBytes: _record, signals: _signals, warnings: _warnings, ...fields } = layout;
  const header: RecordingHeader = { ...fields, channels };

  const checkWindow = (start: number, length: number) => {
    if (!Number.isFinite(start) || !Number.isFinite(length)) throw new RangeError(`${source.name}: a window needs finite numbers, got start ${start}, length ${length}`);
  };
  const checkChannel = (channel: number) => {
    if (!Number.isInteger(channel) || channel < 0 || channel >= channels.length) {
      throw new RangeError(`${source.name}: no data channel ${channel} (the recording has ${channels.length})`);
    }
  };

  return {
    source,
    header,
    annotations,
    recordStartTimesSec,
    hasGaps: gaps.length > 0,
    warnings,
    durationSec: layout.nRecords * layout.recordDurationSec,
    async readSamples(channel, start, count) {
      checkChannel(channel);
      checkWindow(start, count);
      const n = channels[channel]!.nSamples;
      const from = clip(Math.floor(start), n);
      const out = new Float32Array(clip(Math.floor(start + count), n) - from);
      await readSampleRequests(source, layout, [{ signal: dataSignals[channel]!, start: from, count: out.length, out }]);
      return out;
    },
    async readChannels(channelList, startSec, durationSec) {
      checkWindow(startSec, durationSec);
      const requests = channelList.map((channel) => {
        checkChannel(channel);
        const { sampleRateHz, nSamples } = channels[channel]!;
        const from = clip(Math.round(startSec * sampleRateHz), nSamples);
        const to = clip(Math.round((startSec + durationSec) * sampleRateHz), nSamples);
        return { signal: dataSignals[channel]!, start: from, count: Math.max(0, to - from), out: new Float32Array(Math.max(0, to - from)) };
      });
      await readSampleRequests(source, layout, requests);
      return requests.map((q) => q.out);
    },
    async close() {
      await source.close?.();
    },
  };
}
