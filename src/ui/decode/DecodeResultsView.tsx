// The last run's results: what was decoded with what, the live strip while running, then the agreement with the
// recording's labels, the timeline, the gate, exports, the table and an expert's reconstruction. Jumps to the
// traces work while the decoded recording is the open one.
import type { ModelSummary, RecordingSummary, WorkerApi } from '../../worker/api';
import { pct } from '../format';
import type { Comlink } from '../workerClient';
import { Agreement } from './Agreement';
import { Exports } from './Exports';
import { GateViews } from './GateViews';
import { LiveStrip } from './LiveStrip';
import { PredictionsTable } from './PredictionsTable';
import { Reconstructions } from './Reconstructions';
import { Timeline } from './Timeline';
import type { DecodeResults, DecodeSession } from './useDecodeSession';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly session: DecodeSession;
  readonly results: DecodeResults;
  readonly recording: RecordingSummary | null;
  readonly model: ModelSummary | null;
  readonly onJump: (dataSec: number) => void;
  readonly onError: (message: string) => void;
}

export function DecodeResultsView({ api, session, results, recording, model, onJump, onError }: Props) {
  const { rows, classes, context, analysis } = results;
  const running = session.phase === 'running';
  const open = recording?.name === context.recording.fileName;
  const onSegment = open ? (i: number) => rows[i] && onJump(rows[i].dataOnset) : undefined;
  const trials = results.segments === 'trials';
  // The plan's warnings are shown above (with the mapping); these are the run's own, e.g. a decoding thread lost.
  const warnings = results.warnings.filter((w) => !session.plan?.context.warnings.includes(w));
  const confidence = rows.length ? rows.reduce((a, r) => a + Math.max(...Object.values(r.probabilities)), 0) / rows.length : 0;
  return (
    <>
      {warnings.length > 0 && <ul className="warnings loud" aria-label="Decode warnings">{warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
      {rows.length > 0 && (
        <p data-testid="decode-summary">
          {rows.length} {trials ? 'trials' : 'segments'} of {context.recording.fileName} decoded with {context.model.name}; mean confidence {pct(confidence)}; predicted:{' '}
          {classes.map((c) => `${c} ${rows.filter((r) => r.class === c).length}`).join(', ')}
          {open ? '' : ` — ${context.recording.fileName} is no longer open: open it again to jump to its segments`}
        </p>
      )}
      {running && <LiveStrip rows={rows} total={session.progress?.total ?? rows.length} classes={classes} />}
      {!running && rows.length > 0 && (
        <>
          {analysis?.agreement && <Agreement agreement={analysis.agreement} classes={classes} labels={results.labels} seenSubject={results.seenSubject} />}
          {trials && !analysis?.agreement && <p role="note">None of these trials carries a label of the model's classes, so there is nothing to compare the predictions with.</p>}
          <Timeline rows={rows} classes={classes} trials={trials} sleep={model?.task.sleepStaging ?? false} onSegment={onSegment} />
          <GateViews rows={rows} channels={context.channelMapping.length ? context.channelMapping.map((m) => m.model) : (model?.task.channels ?? [])} spread={analysis?.gate ?? null} pooling={model?.sha256 === context.model.sha256 ? model : null} onSegment={onSegment} />
          <Exports api={api} results={results} recordingOpen={open} onError={onError} />
          <PredictionsTable rows={rows} onSegment={onSegment} />
          {model && open && <Reconstructions api={api} rows={rows} model={model} onError={onError} />}
        </>
      )}
    </>
  );
}
