// The format-independent view of an EEG recording that every later stage (dsp, model, worker, ui, cli) uses.
// A reader (one per format) only knows how to read its header and a range of data records; the rest is here.

/** Random access to bytes: a File/Blob in the browser, a file handle in Node. */
export interface ByteSource {
  /** What the user would call it (file name). */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads `length` bytes at `offset`; returns fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the underlying handle (no-op for Blobs). */
  close?(): Promise<void>;
}

export type RecordingFormat = 'EDF' | 'EDF+C' | 'EDF+D' | 'BDF' | 'BDF+C' | 'BDF+D';

/** One data (non-annotation) signal. Sample values are physical, in `unit`. */
export interface ChannelInfo {
  /** Position among the data channels (annotation signals excluded). */
  readonly index: number;
  readonly label: string;
  readonly unit: string;
  readonly transducer: string;
  readonly prefiltering: string;
  readonly sampleRateHz: number;
  readonly samplesPerRecord: number;
  /** Samples in the whole recording (records actually read × samplesPerRecord). */
  readonly nSamples: number;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
}

export interface Annotation {
  /** Seconds after the header start time (raw TAL onset, as the EDF+ spec and the `native` reading define it). */
  readonly onsetSec: number;
  /** Seconds, or null when the TAL has no duration. */
  readonly durationSec: number | null;
  readonly description: string;
}

/** The file-wide header fields as read: what the parser's layout (edfHeader.ts) and the reader's header share. */
export interface RecordingHeaderFields {
  readonly format: RecordingFormat;
  readonly patientId: string;
  readonly recordingId: string;
  /** Start date/time as written (dd.mm.yy, hh.mm.ss). */
  readonly startDateField: string;
  readonly startTimeField: string;
  /** Parsed start, or null when the fields are impossible dates (a warning says so). */
  readonly startDate: Date | null;
  /** Where the data records start (256 × (signals + 1), whatever the header-bytes field says). */
  readonly headerBytes: number;
  /** Complete data records that are present and read (may differ from the header's field; see warnings). */
  readonly nRecords: number;
  readonly recordDurationSec: number;
}

export interface RecordingHeader extends RecordingHeaderFields {
  readonly channels: readonly ChannelInfo[];
}

export interface Recording {
  readonly source: ByteSource;
  readonly header: RecordingHeader;
  /** Every annotation of every annotation signal, sorted by onset. */
  readonly annotations: readonly Annotation[];
  /**
   * Start of every data record in seconds after the header start time. For EDF+/BDF+ this comes from the
   * time-keeping TAL (so it includes the sub-second offset of the first record); for plain EDF/BDF it is
   * `r × recordDurationSec`. NaN where a record's time-keeping TAL is unreadable (damaged files; a warning says so).
   */
  readonly recordStartTimesSec: Float64Array;
  /**
   * True when some record does not start where back-to-back records would put it (first start + r × duration):
   * the gaps of EDF+D/BDF+D files (real, never concatenated away), or unreadable start times (NaN) in damaged files.
   * `discontinuousRecords` in recordTimes.ts lists them.
   */
  readonly hasGaps: boolean;
  /** Non-fatal problems found while reading (non-compliant but readable files). */
  readonly warnings: readonly string[];
  /** Total duration in seconds of the data records (nRecords × recordDurationSec), gaps excluded. */
  readonly durationSec: number;
  /**
   * Physical samples [start, start + count) of data channel `channel` (sample indices run over the records in
   * file order; use recordStartTimesSec to place them in time), clipped to the data. Reads only the records it
   * needs. A channel that does not exist or a non-finite start/count is a RangeError.
   */
  readSamples(channel: number, start: number, count: number): Promise<Float32Array>;
  /**
   * Several channels at once over a window of data time, reading each needed record once. Data time counts
   * seconds of samples from the first sample (sample index = round(sec × sampleRateHz)); gaps of EDF+D files
   * are not counted, map to clock time with recordStartTimesSec. The window is clipped to the data.
   */
  readChannels(channels: readonly number[], startSec: number, durationSec: number): Promise<Float32Array[]>;
  close(): Promise<void>;
}
