// The clinician's path and the researcher's look inside: the loaded model and how well it decodes, the channel
// mapping (refused when it makes no sense), trials or back-to-back segments, a run with progress / ETA / cancel, and
// the results: agreement with the recording's labels, the timeline, the gate, exports, the table and an expert's
// reconstruction. The session (useDecodeSession) lives above the tabs; this view only shows and edits it.
import type { BackendInfo, ModelSummary, RecordingSummary, WorkerApi } from '../../worker/api';
import { ParityPanel } from '../ParityPanel';
import type { Comlink } from '../workerClient';
import { ChannelMapping, PlanProblems } from './ChannelMapping';
import { DecodeResultsView } from './DecodeResultsView';
import { LoadModel, type ModelSource } from './LoadModel';
import { ModelCard } from './ModelCard';
import { RunBar } from './RunBar';
import type { DecodeSession } from './useDecodeSession';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly session: DecodeSession;
  readonly recording: RecordingSummary | null;
  readonly model: ModelSummary | null;
  readonly modelError: string | null;
  readonly backend: BackendInfo | null;
  readonly onModelLoaded: (summary: ModelSummary, source: ModelSource) => void;
  /** Jumps the traces to a segment (data seconds). */
  readonly onJump: (dataSec: number) => void;
  readonly onError: (message: string) => void;
}

export function DecodeView({ api, session, recording, model, modelError, backend, onModelLoaded, onJump, onError }: Props) {
  return (
    <section aria-labelledby="decode-title">
      <h2 id="decode-title">Decode</h2>
      {model ? <ModelCard model={model} backend={backend} /> : <p role="status">{modelError ? `No model loaded: ${modelError}` : 'Loading the model…'}</p>}
      <LoadModel api={api} onModelLoaded={onModelLoaded} onError={onError} />
      <ParityPanel api={api} onError={onError} />
      {model && recording && <ChannelMapping model={model} recording={recording} overrides={session.overrides} onOverride={session.setOverride} plan={session.plan} />}
      {model && recording && <PlanProblems plan={session.plan} />}
      <RunBar session={session} recording={recording} model={model} />
      {session.results && <DecodeResultsView api={api} session={session} results={session.results} recording={recording} model={model} onJump={onJump} onError={onError} />}
    </section>
  );
}
