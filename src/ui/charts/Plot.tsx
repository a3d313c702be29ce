// A Plotly chart (Plotly itself is loaded by plotlyLoader.ts, in idle time after the first paint, or on first use).
import { useEffect, useRef } from 'react';
import { loadPlotly } from './plotlyLoader';

/** The point a click landed on: its x and the customdata its trace gave it (e.g. a segment's row index). */
export interface PlotPoint {
  readonly x: number;
  readonly customdata: unknown;
}

export interface PlotProps {
  readonly data: object[];
  readonly layout: object;
  readonly label: string;
  readonly height?: number;
  readonly onClick?: (point: PlotPoint) => void;
  readonly testId?: string;
}

export function Plot({ data, layout, label, height = 320, onClick, testId }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    void loadPlotly().then(async (Plotly) => {
      if (cancelled) return;
      const root = await Plotly.react(el, data, { height, margin: { l: 60, r: 20, t: 30, b: 45 }, font: { size: 11 }, ...layout }, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] });
      root.removeAllListeners?.('plotly_click');
      root.on('plotly_click', (e) => {
        const point = e.points[0];
        const x = Number(point?.x);
        if (point && Number.isFinite(x)) clickRef.current?.({ x, customdata: (point as { customdata?: unknown }).customdata });
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
