// The predictions over recording time: one bar per segment spanning its whole duration (the last one included),
// stacked by class probability, with the predicted class above (a hypnogram for sleep) and, for trials, the
// recording's own label beside it and a mark per trial: agrees or not. A click anywhere on a segment jumps there.
import { useMemo } from 'react';
import type { DecodedRow } from '../../worker/api';
import { Plot } from '../charts/Plot';
import { CLASS_COLOURS } from '../format';

interface Props {
  readonly rows: readonly DecodedRow[];
  readonly classes: readonly string[];
  readonly trials: boolean;
  readonly sleep: boolean;
  /** Row index of the segment clicked; absent: clicks do nothing (e.g. the recording is no longer open). */
  readonly onSegment?: (index: number) => void;
}

/** Horizontal strokes [onset, end] at each row's level, broken between rows (trials are not contiguous). */
function strokes(rows: readonly DecodedRow[], level: (r: DecodedRow) => number | null) {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const customdata: (number | null)[] = [];
  rows.forEach((r, i) => {
    const v = level(r);
    if (v === null) return;
    x.push(r.onset, r.onset + r.duration, null);
    y.push(v, v, null);
    customdata.push(i, i, null);
  });
  return { x, y, customdata };
}

export function Timeline({ rows, classes, trials, sleep, onSegment }: Props) {
  const data = useMemo(() => {
    const index = rows.map((_, i) => i);
    const centre = rows.map((r) => r.onset + r.duration / 2);
    const width = rows.map((r) => r.duration);
    const bars = classes.map((c, k) => ({
      type: 'bar',
      x: centre,
      width,
      y: rows.map((r) => r.probabilities[c] ?? 0),
      customdata: index,
      name: `p(${c})`,
      marker: { color: CLASS_COLOURS[k % CLASS_COLOURS.length], line: { width: 0 } },
      hovertemplate: `${c} %{y:.2f}<extra></extra>`,
    }));
    const classOf = (name: string | undefined) => (name === undefined ? null : classes.indexOf(name));
    // Back-to-back segments draw as one step line ending where the last segment ends; trials as separate strokes.
    const predicted = trials
      ? strokes(rows, (r) => r.classIndex)
      : { x: [...rows.map((r) => r.onset), ...rows.slice(-1).map((r) => r.onset + r.duration)], y: [...rows.map((r) => r.classIndex), ...rows.slice(-1).map((r) => r.classIndex)], customdata: [...index, ...index.slice(-1)] };
    const lines: object[] = [{ type: 'scatter', mode: 'lines', line: { shape: 'hv', color: '#000', width: 3 }, ...predicted, name: sleep ? 'hypnogram (predicted)' : 'predicted class', yaxis: 'y2', hoverinfo: 'none' }];
    if (trials) {
      lines.push({ type: 'scatter', mode: 'lines', line: { color: '#009E73', width: 3, dash: 'dot' }, ...strokes(rows, (r) => classOf(r.trueClass)), name: "recording's label", yaxis: 'y2', hoverinfo: 'none' });
      const marks = (correct: boolean) => {
        const picked = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.trueClass !== undefined && (r.trueClass === r.class) === correct);
        return {
          type: 'scatter',
          mode: 'markers',
          x: picked.map(({ r }) => r.onset + r.duration / 2),
          y: picked.map(() => 1.06),
          customdata: picked.map(({ i }) => i),
          marker: correct ? { symbol: 'circle', size: 10, color: '#0072B2' } : { symbol: 'x', size: 11, color: '#D55E00' },
          name: correct ? 'agrees with the label' : 'disagrees with the label',
          hovertemplate: `${correct ? 'agrees' : 'disagrees'}<extra></extra>`,
        };
      };
      lines.push(marks(true), marks(false));
    }
    return [...bars, ...lines];
  }, [rows, classes, trials, sleep]);
  const layout = useMemo(
    () => ({
      title: { text: sleep ? 'Class probabilities and hypnogram' : trials ? 'Class probabilities per trial, predicted class and the recording\'s label' : 'Class probabilities and predicted class' },
      barmode: 'stack',
      bargap: 0,
      xaxis: { title: { text: 'recording time (s after the start)' } },
      yaxis: { title: { text: 'probability' }, range: [0, trials ? 1.12 : 1], domain: [0, 0.55] },
      yaxis2: { domain: [0.62, 1], tickvals: classes.map((_, i) => i), ticktext: classes, range: sleep ? [classes.length - 0.5, -0.5] : [-0.5, classes.length - 0.5] },
      legend: { orientation: 'h', y: -0.25 },
      margin: { l: 60, r: 20, t: 30, b: 90 },
    }),
    [classes, trials, sleep],
  );
  return (
    <Plot
      data={data}
      layout={layout}
      label="Predictions timeline"
      height={400}
      testId="timeline"
      onClick={onSegment ? (p) => typeof p.customdata === 'number' && onSegment(p.customdata) : undefined}
    />
  );
}
