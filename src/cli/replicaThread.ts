// A decoding replica in a Node worker thread (see src/runtime/lanes.ts): its own tfjs-wasm and copy of the model.
import { serveDecodingReplica } from '../pipeline/decodeLanes';
import { parentOfWorkerThread } from '../runtime/nodeThreads';

serveDecodingReplica(parentOfWorkerThread('replicaThread.ts'));
