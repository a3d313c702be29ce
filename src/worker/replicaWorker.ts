// A decoding replica in the browser (see src/runtime/lanes.ts): a Web Worker started by the model worker, with its
// own tfjs back-end and copy of the model, so a recording's segments are decoded on every core.
import { serveDecodingReplica } from '../pipeline/decodeLanes';
import { parentOfWebWorker } from '../runtime/browserThreads';
import { wasmPaths } from '../runtime/wasmBinaries';

serveDecodingReplica(parentOfWebWorker(), { wasmPaths: wasmPaths() });
