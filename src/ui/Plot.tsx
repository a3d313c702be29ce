// A Plotly chart. Plotly (the cartesian bundle, ~1 MB) is loaded on first use so the viewer starts without it.
import { useEffect, useRef } from 'react';

type PlotlyModule = typeof import('plotly.js-cartesian-dist-min');
let plotly: Promise<PlotlyModule['default']> | null = null;
const loadPlotly = () => (plotly ??= import('plotly.js-cartesian-dist-min').then((m) => m.default));

/** Starts loading Plotly ahead of need (parsing it is one long main-thread task, better paid before a run). */
export const preloadPlotly = (): Promise<unknown> => loadPlotly();

export interface PlotProps {
  readonly data: object[];
  readonly layout: object;
  readonly label: string;
  readonly height?: number;
  readonly onClickX?: (x: number) => void;
  readonly testId?: string;
}

export function Plot({ data, layout, label, height = 320, onClickX, testId }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onClickX);
  clickRef.current = onClickX;
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    void loadPlotly().then(async (Plotly) => {
      if (cancelled) return;
      const root = await Plotly.react(el, data, { height, margin: { l: 60, r: 20, t: 30, b: 45 }, font: { size: 11 }, ...layout }, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] });
      root.removeAllListeners?.('plotly_click');
      root.on('plotly_click', (e) => {
        const x = Number(e.points[0]?.x);
        if (Number.isFinite(x)) clickRef.current?.(x);
      });
      el.dataset.rendered = 'true';
    });
    return () => {
      cancelled = true;
    };
  }, [data, layout, height]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return <div ref={ref} role="figure" aria-label={label} data-testid={testId} className="plot" />;
}
