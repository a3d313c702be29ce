// Which encoder feature of which channel each entry of the SpecMoE head's pooled embeddings holds (§7 step 4). Pure
// arithmetic, no tensors: the worker states it to the UI beside the gate views.

/**
 * Where poolOverTime's entry (row, column) comes from: one feature of one channel, pooled over time. The reshape
 * reads the [d3, C·T3] buffer (channel-major tokens) without a transpose, so width·row + column = feature·C + channel:
 * when C divides d3, column d always holds channel d mod C and row c features c·d3/C … (c+1)·d3/C − 1; otherwise
 * rows and columns mix channels. The gate's row c (from channel c's spectrum) multiplies exactly these entries.
 */
export function pooledSource(row: number, column: number, nChannels: number, width: number): { readonly channel: number; readonly feature: number } {
  const flat = width * row + column;
  return { channel: flat % nChannels, feature: Math.floor(flat / nChannels) };
}

/** How many channels feed one pooled feature after the head's pooling over channels: 1 when C divides d3. */
export function channelsPerPooledFeature(nChannels: number, width: number): number {
  return new Set(Array.from({ length: nChannels }, (_, row) => pooledSource(row, 0, nChannels, width).channel)).size;
}

/** A note for whoever trains a head on `nChannels` channels when the pooling mixes them (null when it keeps them apart). */
export function poolingNote(nChannels: number, width: number): string | null {
  const mixed = channelsPerPooledFeature(nChannels, width);
  if (mixed === 1) return null;
  return `note: ${nChannels} channels do not divide the experts' ${width} features, so the head's pooling over channels mixes ${mixed} channels in every feature and cannot tell them apart there (a count that divides ${width} keeps them apart)`;
}
