// The parity fixture's SpecMoE (random weights) wrapped as a bundle, for tests of the decode plumbing only. It is
// marked trained: false, and is never shipped: its predictions mean nothing.
import { readFileSync } from 'node:fs';
import { saveBundle } from '../io/bundle';
import { specMoEFileLayout } from '../io/bundle';
import { readSafetensors } from '../io/safetensors';
import { REFERENCE_DIR } from '../cli/paths';

export const PLUMBING_CHANNELS = ['C3', 'Cz', 'C4', 'FCz'];

/** `channels`: the model channels (4, as the fixture's gate was made for), matched to a recording's by name. */
export async function plumbingBundleFiles(channels: readonly string[] = PLUMBING_CHANNELS): Promise<Map<string, Uint8Array>> {
  const tensors = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;
  return saveBundle({
    config: {
      name: 'untrained plumbing model (parity fixture moe_small)',
      model: 'specmoe',
      architecture: { expert: { d1: 32, d2: 64, d3: 128, up3Mid: 32, heads: 8, auxChannels: 19 }, clfHidden: 128, lPool: 'mean', cPool: 'max' },
      task: 'motor-imagery',
      classes: ['left fist', 'right fist', 'both fists', 'feet'],
      gateMode: 1,
      channels: [...channels],
      sampleRateHz: 200,
      segmentSec: 4,
      trained: false,
      provenance: { source: 'random weights of the parity fixture moe_small.safetensors', createdAt: '2026-11-23T00:00:00Z' },
    },
    tensors,
    dtype: 'F32',
    fileOf: specMoEFileLayout,
  });
}
