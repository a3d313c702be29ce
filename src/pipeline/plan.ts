// Segment planning: which of a recording's channels feed the model's (mapped, derived or missing), and which segments
// are decoded, each on both clocks of the recording (data time and clock time, io/recordTimes.ts).
import { checkChannelMap } from '../dsp/mappingChecks';
import { type ChannelMap, mapChannels, type PrepareOptions } from '../dsp/segments';
import type { Recording } from '../io/recording';
import { clockTime } from '../io/recordTimes';
import type { TaskDefinition } from '../model';

/**
 * A segment to decode, on both clocks of the recording (io/recordTimes.ts): where its samples start (data seconds,
 * gaps not counted) and when that was (seconds after the header start, across EDF+D gaps).
 */
export interface PlannedSegment {
  readonly dataSec: number;
  readonly clockSec: number;
  /** Annotation text the segment was cut at (annotation mode). */
  readonly label?: string;
}

/** Where a requested segment starts (data seconds) and, in annotation mode, its annotation text. */
export type SegmentRequest = Omit<PlannedSegment, 'clockSec'>;

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** What planChannels needs of a decode's options. */
export interface ChannelPlanOptions {
  readonly task: Pick<TaskDefinition, 'channels' | 'montage'>;
  readonly channelOverrides?: Readonly<Record<string, string>>;
  /** At most this fraction of model channels may be missing (filled with zeros); above it, decoding refuses. */
  readonly maxMissingFraction?: number;
  /** The bundle's band-pass: the band the model's data covered (for the sample-rate check). */
  readonly filter?: PrepareOptions['filter'];
}

/**
 * The task's channels mapped onto a recording, with what refuses the mapping (errors: too many channels missing,
 * one channel copied to several inputs, non-EEG channels on EEG inputs; see dsp/mappingChecks.ts) and what to know
 * (warnings: zero-filled channels, resampling, a rate too low for the model's band).
 */
export function channelPlan(recording: Recording, options: ChannelPlanOptions): { map: ChannelMap; errors: string[]; warnings: string[] } {
  const channels = recording.header.channels;
  const map = mapChannels(channels, options.task.channels, options.task.montage, options.channelOverrides);
  // Without a declared band-pass, the model's data span everything its 200-Hz input holds (tasks.ts: always 200 Hz).
  const band = options.filter ? { lowHz: options.filter.lowHz, highHz: options.filter.highHz } : { lowHz: null, highHz: 100 };
  const { errors, warnings } = checkChannelMap(channels, options.task.channels, map, band, options.channelOverrides);
  const allowed = options.maxMissingFraction ?? 0.25;
  if (map.missing.length > allowed * options.task.channels.length) {
    errors.unshift(
      `the recording lacks ${map.missing.length} of the model's ${options.task.channels.length} channels (${map.missing.join(', ')}); ` +
        `it has ${channels.map((c) => c.label).join(', ')}. Map them by hand or use a model for these channels.`,
    );
  }
  if (map.missing.length > 0) warnings.push(`missing channels filled with zeros: ${map.missing.join(', ')}`);
  const rates = new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])).map((i) => channels[i]!.sampleRateHz));
  for (const rate of rates) if (rate !== 200) warnings.push(`resampled ${rate} Hz → 200 Hz`);
  return { map, errors, warnings };
}

/** channelPlan, refused with a DecodeError that gives every reason. */
export function planChannels(recording: Recording, options: ChannelPlanOptions): { map: ChannelMap; warnings: string[] } {
  const { map, errors, warnings } = channelPlan(recording, options);
  if (errors.length > 0) throw new DecodeError(errors.join('; '));
  return { map, warnings };
}

/** Segments that fit in the recording: the given ones, or back to back from 0. */
export function plannedSegments(recording: Recording, segmentSec: number, given?: readonly SegmentRequest[]): PlannedSegment[] {
  const duration = recording.durationSec;
  const requested: readonly SegmentRequest[] =
    given ?? Array.from({ length: Math.max(0, Math.floor(duration / segmentSec + 1e-9)) }, (_, i) => ({ dataSec: i * segmentSec }));
  return requested.filter((s) => s.dataSec >= 0 && s.dataSec + segmentSec <= duration + 1e-9).map((s) => ({ ...s, clockSec: clockTime(recording, s.dataSec) }));
}
