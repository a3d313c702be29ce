// A Plotly time axis in the app's time convention: ticks at round clock steps, each labelled with its clock time
// over its offset in seconds ("16:13:30" / "30 s"). The x values are clock seconds after the recording's start.
import type { RecordingSummary } from '../../worker/api';
import { clockLabel, offsetLabel } from '../format';

const STEPS_SEC = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800];

export function timeAxis(recording: Pick<RecordingSummary, 'startIso'>, fromSec: number, toSec: number, maxTicks = 7): object {
  const step = STEPS_SEC.find((s) => (toSec - fromSec) / s <= maxTicks) ?? STEPS_SEC[STEPS_SEC.length - 1]!;
  const tickvals: number[] = [];
  for (let t = Math.ceil(fromSec / step) * step; t <= toSec + 1e-9; t += step) tickvals.push(t);
  const ticktext = tickvals.map((t) => (recording.startIso ? `${clockLabel(recording, t)}<br>${offsetLabel(t)}` : offsetLabel(t)));
  return { tickmode: 'array', tickvals, ticktext, range: [fromSec, toSec], title: { text: recording.startIso ? 'clock time (seconds after the start)' : 'seconds after the start' } };
}
