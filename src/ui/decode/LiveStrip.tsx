// The predictions as they stream in: one coloured cell per segment (class colour, opacity = confidence), drawn
// incrementally on a canvas so a run never costs the main thread a chart re-render; Plotly charts follow the run.
import { useEffect, useRef } from 'react';
import type { DecodedRow } from '../../worker/api';
import { CLASS_COLOURS } from '../format';

export function LiveStrip({ rows, total, classes }: { rows: readonly DecodedRow[]; total: number; classes: readonly string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef(0);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || total === 0) return;
    if (rows.length < drawn.current) {
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      drawn.current = 0;
    }
    const w = ctx.canvas.width / total;
    for (let i = drawn.current; i < rows.length; i++) {
      const r = rows[i]!;
      ctx.globalAlpha = Math.max(0.25, Math.max(...Object.values(r.probabilities)));
      ctx.fillStyle = CLASS_COLOURS[r.classIndex % CLASS_COLOURS.length]!;
      ctx.fillRect(i * w, 0, Math.max(1, w), ctx.canvas.height);
    }
    drawn.current = rows.length;
  }, [rows, total]);
  return (
    <figure className="live-strip">
      <canvas ref={ref} width={900} height={24} role="img" aria-label={`Predicted class of the ${rows.length} segments decoded so far`} data-testid="live-strip" />
      <figcaption>{classes.map((c, i) => <span key={c} style={{ color: CLASS_COLOURS[i % CLASS_COLOURS.length] }}>■ {c} </span>)}</figcaption>
    </figure>
  );
}
