// Plotly (its cartesian bundle, 1.4 MB) without a main-thread freeze when a chart first appears. Imported as a module
// it was compiled and run on the main thread in one task (~5 s on this loaded 2-core machine, ~1.9 s quieter). As a
// classic async script the browser compiles it off the main thread while it downloads, leaving its execution (one
// ~1.6-s task here), which `loadPlotlyWhenIdle` schedules after the first contentful paint, when the main thread is
// idle and the user is not clicking or typing.
import plotlyUrl from 'plotly.js-cartesian-dist-min/plotly-cartesian.min.js?url';

export type PlotlyApi = typeof import('plotly.js-cartesian-dist-min').default;

let loading: Promise<PlotlyApi> | null = null;

/**
 * Plotly, loaded once (document.documentElement's data-plotly says "loading", then "ready"; the performance marks
 * "plotly-load" and "plotly-ready" delimit it for measurements).
 */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const root = document.documentElement;
    root.dataset.plotly = 'loading';
    performance.mark('plotly-load');
    const script = document.createElement('script');
    script.src = plotlyUrl;
    script.async = true;
    script.onload = () => {
      const plotly = (globalThis as { Plotly?: PlotlyApi }).Plotly;
      if (!plotly) return reject(new Error(`${plotlyUrl} ran but defined no Plotly`));
      root.dataset.plotly = 'ready';
      performance.mark('plotly-ready');
      resolve(plotly);
    };
    script.onerror = () => reject(new Error(`the chart library could not be loaded from ${plotlyUrl}`));
    document.head.append(script);
  });
  return loading;
}

/** Input this recent (ms) postpones the idle-time load: its one long task should not answer a click late. */
const QUIET_MS = 1500;

/**
 * Starts loading Plotly after the first contentful paint, once the main thread is idle and the user has not clicked or
 * typed for QUIET_MS (a chart needed sooner loads it at once through loadPlotly).
 */
export function loadPlotlyWhenIdle(): void {
  let lastInput = -Infinity;
  const note = () => (lastInput = performance.now());
  const inputs = ['pointerdown', 'keydown'] as const;
  for (const type of inputs) addEventListener(type, note, { capture: true, passive: true });
  const idle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
  const attempt = (): void => {
    const quietFor = performance.now() - lastInput;
    if (!loading && quietFor < QUIET_MS) return void setTimeout(() => idle(attempt), QUIET_MS - quietFor);
    for (const type of inputs) removeEventListener(type, note, { capture: true });
    void loadPlotly();
  };
  afterFirstContentfulPaint(() => idle(attempt));
}

/**
 * Runs `then` in a task after the page first paints content (the next frame can still be a blank one, so that is not
 * enough: the load once started 40 ms before the first contentful paint). Where paint timing is not reported, after
 * the next frame.
 */
function afterFirstContentfulPaint(then: () => void): void {
  if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('paint')) {
    return void requestAnimationFrame(() => setTimeout(then));
  }
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName('first-contentful-paint').length === 0) return;
    observer.disconnect();
    setTimeout(then);
  });
  observer.observe({ type: 'paint', buffered: true });
}
