// The slice of Plotly's API the views use (plotly.js-cartesian-dist-min ships no types).
declare module 'plotly.js-cartesian-dist-min' {
  export type Datum = number | string | null;
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: 'plotly_click', handler: (event: { points: { x: Datum; y: Datum }[] }) => void): void;
    removeAllListeners?(event: string): void;
  }
  const Plotly: {
    react(root: HTMLElement, data: object[], layout: object, config?: object): Promise<PlotlyHTMLElement>;
    purge(root: HTMLElement): void;
  };
  export default Plotly;
}
