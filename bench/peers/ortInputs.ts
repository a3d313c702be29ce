// The peer graphs (../shared/reference/specmoe/peers/README.md) and their inputs. Shapes come from the graph
// (x [1, 19, 6000], times [1, 1, 6000]); values do not change timing: x a sinusoid at the scale of µV/100 EEG, times
// linspace(0.1, 1.1, T). The browser peer (ortBrowserWorker.js) fills its inputs the same way.
import { join } from 'node:path';
import { REFERENCE_DIR } from '../../src/cli/paths';

export const PEER_DIR = join(REFERENCE_DIR, 'peers');

/** Workloads with a peer graph: ours encoder ↔ encoder_b1.onnx, specmoe ↔ specmoe_b1.onnx. */
export const PEER_GRAPHS: Readonly<Record<string, string>> = { encoder: 'encoder_b1.onnx', specmoe: 'specmoe_b1.onnx' };

export function peerGraph(workload: string): string {
  const file = PEER_GRAPHS[workload];
  if (!file) throw new Error(`no peer graph for the ${workload} workload`);
  return join(PEER_DIR, file);
}

interface SessionShapes {
  readonly inputNames: readonly string[];
  readonly inputMetadata: readonly unknown[];
}

/** Feeds for every input of the session, built by `tensor` (the caller's ort.Tensor). */
export function peerInputs<T>(session: SessionShapes, tensor: (data: Float32Array, dims: number[]) => T): Record<string, T> {
  const feeds: Record<string, T> = {};
  session.inputNames.forEach((name, i) => {
    const dims = (session.inputMetadata[i] as { shape: number[] }).shape.map(Number);
    const length = dims[dims.length - 1]!;
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let j = 0; j < data.length; j++) data[j] = name === 'times' ? 0.1 + (j % length) / (length - 1) : 0.2 * Math.sin(0.37 * j);
    feeds[name] = tensor(data, dims);
  });
  return feeds;
}
