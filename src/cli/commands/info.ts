// `specmoe info FILE [--json]`: what the reader sees in a recording. `--json` prints the fields and conventions of
// the shared data's `native` reading (physical values in the file's units, raw TAL onsets, every record start).
import { channelStats } from '../../io/channelStats';
import type { Recording } from '../../io/recording';
import { discontinuousRecords, gapToleranceSec } from '../../io/recordTimes';
import { CliError, parseArgs, type Command } from '../command';
import { openRecordingFile } from '../files';

const help = `usage: specmoe info FILE [--json]
  Reads an EDF/EDF+/BDF/BDF+ recording (also .gz) and prints its header, channels, annotations and record times.
  --json  machine-readable: format, n_records_read, channels[] (label, unit, sample_rate_hz, n_samples, first,
          mean, std, min, max; physical values in the file's units), annotations[] (onset in s after the header
          start time, duration or null, description), record_start_times (null where unreadable),
          discontinuous_records, warnings. Reads every sample once.
Exit code 2 when the file cannot be read (the error names the field and byte offset).`;

const finiteOrNull = (x: number) => (Number.isNaN(x) ? null : x);

function gapsOf(recording: Recording): number[] {
  const { channels, recordDurationSec } = recording.header;
  return discontinuousRecords(recording.recordStartTimesSec, recordDurationSec, gapToleranceSec(channels.map((c) => c.sampleRateHz)));
}

/** The `--json` document. */
export async function infoJson(recording: Recording) {
  const { header } = recording;
  const stats = await channelStats(recording);
  return {
    format: header.format,
    n_records_read: header.nRecords,
    channels: header.channels.map((c, i) => ({
      label: c.label,
      unit: c.unit,
      sample_rate_hz: c.sampleRateHz,
      n_samples: c.nSamples,
      first: stats[i]!.first,
      mean: stats[i]!.mean,
      std: stats[i]!.std,
      min: stats[i]!.min,
      max: stats[i]!.max,
    })),
    annotations: recording.annotations.map((a) => ({ onset: a.onsetSec, duration: a.durationSec, description: a.description })),
    record_start_times: Array.from(recording.recordStartTimesSec, finiteOrNull),
    discontinuous_records: gapsOf(recording).map((r) => ({ record: r, start: finiteOrNull(recording.recordStartTimesSec[r]!) })),
    warnings: recording.warnings,
  };
}

function seconds(sec: number): string {
  return `${Number(sec.toFixed(6))} s`;
}

function counts(items: readonly string[]): string {
  const byName = new Map<string, number>();
  for (const item of items) byName.set(item, (byName.get(item) ?? 0) + 1);
  return [...byName].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}

/** The readable summary: header only, so it is instant on any size. */
export function infoText(recording: Recording): string {
  const { header, annotations, recordStartTimesSec } = recording;
  const lines = [
    `${recording.source.name}: ${header.format}, ${header.nRecords} records × ${seconds(header.recordDurationSec)} = ${seconds(recording.durationSec)}`,
    `start:     ${header.startDate ? header.startDate.toISOString().replace('T', ' ').replace('.000Z', '') : `unknown ("${header.startDateField}" "${header.startTimeField}")`}` +
      (recordStartTimesSec[0] ? ` + ${seconds(recordStartTimesSec[0])} to the first record` : ''),
    `patient:   ${header.patientId}`,
    `recording: ${header.recordingId}`,
    `channels:  ${header.channels.length}`,
  ];
  for (const c of header.channels) {
    lines.push(`  ${String(c.index + 1).padStart(3)} ${c.label.padEnd(16)} ${c.unit.padEnd(8)} ${String(c.sampleRateHz).padStart(8)} Hz  [${c.physicalMin}, ${c.physicalMax}]`);
  }
  lines.push(`annotations: ${annotations.length}${annotations.length ? ` (${counts(annotations.map((a) => a.description))})` : ''}`);
  const gaps = gapsOf(recording);
  lines.push(gaps.length === 0 ? 'records: back to back' : `records: ${gaps.length} do not follow on from the previous ones (first: record ${gaps[0]}, at ${seconds(recordStartTimesSec[gaps[0]!]!)})`);
  if (recording.warnings.length) lines.push('warnings:', ...recording.warnings.map((w) => `  - ${w}`));
  return lines.join('\n');
}

export const infoCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, [], [], ['json']);
    const [path, ...extra] = args.positional;
    if (!path || extra.length > 0) throw new CliError('info needs one recording FILE');
    const recording = await openRecordingFile(path);
    try {
      console.log(args.flags.has('json') ? JSON.stringify(await infoJson(recording), null, 1) : infoText(recording));
    } finally {
      await recording.close();
    }
    return 0;
  },
};
