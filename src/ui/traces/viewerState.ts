// What the trace viewer shows, kept by the app above the tabs (the spectrogram and mask views follow its page).
import type { DisplayFilterSettings, MontageName } from '../../worker/api';
import { DEFAULT_EEG_UV_PER_MM } from './sensitivity';

export interface ViewerState {
  /** Data seconds of the page start. */
  readonly startSec: number;
  readonly pageSec: 10 | 30;
  readonly montage: MontageName;
  readonly filter: DisplayFilterSettings;
  /** EEG sensitivity; the other types follow it from their own defaults (sensitivity.ts). */
  readonly sensitivityUvPerMm: number;
  /** Amplitude factor of single traces (label → factor; 1 where absent). */
  readonly traceGains: Readonly<Record<string, number>>;
  /** The trace +/− act on; null: all traces (the EEG sensitivity). */
  readonly selected: string | null;
  /** Labels of hidden traces; null: the default view (a high-density cap's 10-20 electrodes and polygraphy). */
  readonly hidden: readonly string[] | null;
  /** First shown trace on screen, and how many are on one screen (null: as many as fit the window readably). */
  readonly firstTrace: number;
  readonly tracesPerScreen: number | null;
}

export const INITIAL_VIEWER: ViewerState = {
  startSec: 0,
  pageSec: 10,
  montage: 'referential',
  filter: { highpassHz: null, lowpassHz: null, notchHz: null },
  sensitivityUvPerMm: DEFAULT_EEG_UV_PER_MM,
  traceGains: {},
  selected: null,
  hidden: null,
  firstTrace: 0,
  tracesPerScreen: null,
};
