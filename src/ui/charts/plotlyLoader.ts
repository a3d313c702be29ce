// Plotly (its cartesian bundle, 1.4 MB) without a main-thread freeze when a chart first appears. Imported as a module
// it was compiled and run on the main thread in one task (~5 s on this loaded 2-core machine, ~1.9 s quieter). As a
// classic async script the browser compiles it off the main thread while it downloads, leaving its execution (one
// ~1.6-s task here), which `loadPlotlyWhenIdle` schedules after the first paint, when the main thread is idle.
import plotlyUrl from 'plotly.js-cartesian-dist-min/plotly-cartesian.min.js?url';

export type PlotlyApi = typeof import('plotly.js-cartesian-dist-min').default;

let loading: Promise<PlotlyApi> | null = null;

/** Plotly, loaded once (document.documentElement's data-plotly says "loading", then "ready"). */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const root = document.documentElement;
    root.dataset.plotly = 'loading';
    const script = document.createElement('script');
    script.src = plotlyUrl;
    script.async = true;
    script.onload = () => {
      const plotly = (globalThis as { Plotly?: PlotlyApi }).Plotly;
      if (!plotly) return reject(new Error(`${plotlyUrl} ran but defined no Plotly`));
      root.dataset.plotly = 'ready';
      resolve(plotly);
    };
    script.onerror = () => reject(new Error(`the chart library could not be loaded from ${plotlyUrl}`));
    document.head.append(script);
  });
  return loading;
}

/** Starts loading Plotly after the first paint, in idle time (at the latest after `timeoutMs`). */
export function loadPlotlyWhenIdle(timeoutMs = 4000): void {
  const idle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 50));
  requestAnimationFrame(() => setTimeout(() => idle(() => void loadPlotly(), { timeout: timeoutMs })));
}
