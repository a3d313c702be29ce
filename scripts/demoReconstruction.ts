// The demo model card's reconstruction section: each bundled expert reconstructs Gaussian-masked windows of held-out
// recordings, measured per band as waveform error, spectrogram-magnitude error and magnitude error in the masked
// regions (src/dsp/bandErrors.ts). Used by stage "finetune" of `npm run train-demo` and by stage "reconstruction",
// which re-measures a bundle without retraining.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CHANNELS, PREPROCESSING } from './demo/data';
import { openRecordingFile } from '../src/cli/files';
import { readModelFiles } from '../src/cli/modelFiles';
import type { ReconstructionBandErrors } from '../src/dsp/bandErrors';
import { PAPER_MASK_PARAMS } from '../src/dsp/masks';
import { seededRandom } from '../src/dsp/random';
import { readWeights } from '../src/io/weights';
import { initBackend } from '../src/runtime/backend';
import type { Expert } from '../src/model/expert';
import { specMoEFromWeights } from '../src/model/load';
import { makeBatch } from '../src/train/pretrain';
import { extractWindows, type PretrainWindow } from '../src/train/pretrainData';
import { evaluateReconstruction } from '../src/train/reconstructionEval';
import { LOSS_WEIGHTS, stftMagnitude } from '../src/train/reconstructionLoss';

/** Where the card's reconstruction section starts (it runs to the end of the card). */
const RECONSTRUCTION_HEADING = '## Reconstruction of held-out windows';

/** Held-out windows for the reconstruction report: the pretraining window spec on recordings no stage trains on. */
async function heldOutWindows(files: readonly string[]): Promise<PretrainWindow[]> {
  const windows: PretrainWindow[] = [];
  for (const file of files) {
    const recording = await openRecordingFile(file);
    try {
      // The pretraining's window spec: aligned channels have an RMS of 100 µV, so 1 000 µV is 10 σ.
      const spec = { channels: CHANNELS, windowSec: 6, sampleRateHz: 200, artifactUv: 1000, ...PREPROCESSING };
      windows.push(...(await extractWindows(recording, basename(file), spec)).windows);
    } finally {
      await recording.close();
    }
  }
  return windows;
}

export interface ReconstructionReport {
  readonly files: string[];
  readonly windows: number;
  /** The pretraining loss's two terms for the masked input taken as the prediction (mean over windows). */
  readonly maskedInputLoss: { readonly mse: number; readonly spectral: number };
  /** Per expert, per band. */
  readonly experts: ReconstructionBandErrors[][];
}

/** Each expert's reconstruction of Gaussian-masked held-out windows (the same masks for the three experts). */
export async function reconstructionReport(experts: readonly Expert[], files: readonly string[]): Promise<ReconstructionReport> {
  const windows = await heldOutWindows(files);
  // The same masks as evaluateReconstruction draws (same seed, one per window, in order).
  const random = seededRandom(12345);
  let mse = 0;
  let spectral = 0;
  for (const w of windows) {
    const batch = makeBatch([w], CHANNELS.length, PAPER_MASK_PARAMS, 200, random);
    const [m, sp] = tf.tidy(() => {
      const shape = batch.shape as [number, number, number];
      const [pred, target] = [tf.tensor3d(batch.x, shape), tf.tensor3d(batch.target, shape)];
      const rows = [shape[0] * shape[1], shape[2]] as [number, number];
      const magnitudes = [pred, target].map((t) => stftMagnitude(tf.reshape(t, rows) as tf.Tensor2D));
      return [tf.mean(tf.squaredDifference(pred, target)).dataSync()[0]!, LOSS_WEIGHTS.spectral * tf.mean(tf.squaredDifference(magnitudes[0]!, magnitudes[1]!)).dataSync()[0]!];
    });
    mse += m / windows.length;
    spectral += sp / windows.length;
  }
  return { files: files.map((f) => basename(f)), windows: windows.length, maskedInputLoss: { mse, spectral }, experts: experts.map((e) => evaluateReconstruction(e, windows, CHANNELS.length, PAPER_MASK_PARAMS, 12345)) };
}

const ratioCell = (e: { masked: number; dec1: number; dec2: number }) => `${(e.dec1 / e.masked).toFixed(2)} / ${(e.dec2 / e.masked).toFixed(2)}`;

type Measure = 'waveform' | 'magnitude' | 'maskedRegions';

/** The model card's reconstruction section: three measures per band, and what they say, from the measured ratios. */
export function reconstructionSection(report: ReconstructionReport): string {
  const table = (m: Measure) => ['| band | expert 1 | expert 2 | expert 3 |', '|---|---|---|---|', ...report.experts[0]!.map((b, i) => `| ${b.band} | ${report.experts.map((e) => ratioCell(e[i]![m])).join(' | ')} |`)].join('\n');
  const summary = (m: Measure) => {
    const ratios = report.experts.flatMap((e) => e.flatMap((b) => [b[m].dec1 / b[m].masked, b[m].dec2 / b[m].masked]));
    const worse = [...new Set(report.experts.flatMap((e) => e.filter((b) => b[m].dec1 >= b[m].masked || b[m].dec2 >= b[m].masked).map((b) => b.band)))];
    return `${ratios.filter((r) => r < 1).length} of ${ratios.length} band/branch/expert cases${worse.length > 0 && worse.length < 5 ? ` (not in ${worse.join(', ')})` : ''}`;
  };
  return `${RECONSTRUCTION_HEADING}
Each expert reconstructs ${report.windows} Gaussian-masked 6-s windows of held-out recordings (${report.files.join(', ')};
subjects no stage trains on), masked with the paper's default masks (one seeded mask per window, the same for
the three experts). Figures are error ratios, branch 1 / branch 2, divided by the masked input's error: below 1 =
the reconstruction is closer to the original than the masked input. The app's reconstruction view shows the same
three measures for any segment, beside the four spectrograms on one colour scale.

**Spectrogram magnitude in the masked regions** (squared difference of STFT magnitudes, 2-s Hann frames on the
masking grid, each cell weighted by how much it was masked, 1 − M: the part a masked model is asked to fill in):

${table('maskedRegions')}

**Spectrogram magnitude, all cells** (the unmasked cells of the masked input are the original's, so any change there counts against the reconstruction):

${table('magnitude')}

**Waveform** (power of the difference signal per band; needs the phase right):

${table('waveform')}

Closer to the original than the masked input: in the masked regions in ${summary('maskedRegions')}; over all cells in
${summary('magnitude')}; as a waveform in ${summary('waveform')}.
Why the waveform differs: the pretraining loss is MSE + 0.02 × the spectral term with the authors' unnormalised
\`torch.stft\` (n_fft 512). Taking the masked input as the prediction on these windows gives MSE ${report.maskedInputLoss.mse.toFixed(3)} and
0.02 × spectral ${report.maskedInputLoss.spectral.toFixed(3)} (${(report.maskedInputLoss.spectral / report.maskedInputLoss.mse).toFixed(1)}×), so training mostly teaches the
experts to put the right spectral magnitude back into the masked regions, not the right phase; a waveform with the
right magnitudes and a guessed phase has a larger sample-by-sample error than the masked input. More pretraining
(the paper: 50 epochs over 1.1 M windows on 8 GPUs; this bundle: see Configuration) is what would improve all three.
`;
}


/**
 * Stage "reconstruction": re-measures the bundled experts' reconstructions and rewrites that section of the model
 * card and report.json, without retraining (the bundle's weights are all it needs).
 */
export async function refreshReconstruction(options: { outDir: string; reconstructionFiles: string[] }): Promise<void> {
  await initBackend(['wasm']);
  const loaded = specMoEFromWeights(await readWeights(readModelFiles(options.outDir)));
  if (!loaded.experts) throw new Error(`${options.outDir}: the bundle carries no expert decoders`);
  const reconstruction = await reconstructionReport(loaded.experts, options.reconstructionFiles);
  const cardFile = join(options.outDir, 'README.md');
  const card = readFileSync(cardFile, 'utf8');
  const at = card.indexOf(RECONSTRUCTION_HEADING);
  if (at < 0) throw new Error(`${cardFile} has no "${RECONSTRUCTION_HEADING}" section; rebuild the card with --stage finetune`);
  writeFileSync(cardFile, card.slice(0, at) + reconstructionSection(reconstruction));
  const reportFile = join(options.outDir, 'report.json');
  writeFileSync(reportFile, JSON.stringify({ ...JSON.parse(readFileSync(reportFile, 'utf8')), reconstruction }, null, 1));
  console.log(`rewrote the reconstruction section of ${cardFile}`);
}
