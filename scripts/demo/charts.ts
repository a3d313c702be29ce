// Loss-curve charts for the model card: small SVG line charts, no dependency.

/** A small SVG line chart (no dependency): one polyline per series. */
export function lineChart(title: string, series: { name: string; values: number[]; colour: string }[], xLabel: string): string {
  const w = 640;
  const h = 260;
  const pad = 40;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => pad + (i / Math.max(1, n - 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo || 1)) * (h - 2 * pad);
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.colour}" stroke-width="1.2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<text x="${w - 200}" y="${20 + 14 * i}" fill="${s.colour}" font-size="11">${s.name}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="${pad}" y="16" font-size="13">${title}</text>${lines.join('')}${legend.join('')}<text x="${w / 2}" y="${h - 8}" font-size="11">${xLabel}</text><text x="4" y="${pad}" font-size="10">${hi.toPrecision(3)}</text><text x="4" y="${h - pad}" font-size="10">${lo.toPrecision(3)}</text></svg>\n`;
}

