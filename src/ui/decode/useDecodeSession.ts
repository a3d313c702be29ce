// Everything the user sets up and gets from decoding, kept above the tabs so it survives switching views (the jump
// from a result row to the traces and back included): the channel mapping, trials or back-to-back segments, the
// live plan (refusals and warnings before a run), the run with its progress, and the results with their analysis
// and context. A worker crash ends a run as "interrupted" with the rows so far kept, analysed by the new worker.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DecodeAnalysis, DecodedRow, DecodePlan, DecodeRequest, ExportContext, ModelSummary, RecordingSummary, SeenSubject, SegmentPlan, WorkerApi } from '../../worker/api';
import { errorText } from '../format';
import { useWorkerCall } from '../useWorkerCall';
import { Comlink } from '../workerClient';

export interface DecodeProgressState {
  readonly done: number;
  readonly total: number;
  readonly elapsedSec: number;
  readonly lanes: number;
}

export type RunPhase = 'idle' | 'running' | 'done' | 'cancelled' | 'interrupted' | 'failed';

/** The rows of the last run and what they mean. */
export interface DecodeResults {
  readonly rows: readonly DecodedRow[];
  readonly segments: SegmentPlan;
  readonly classes: readonly string[];
  /** The model's label map (annotation → class) at the time of the run. */
  readonly labels: Readonly<Record<string, string>> | null;
  /** The model, recording, mapping and warnings of the run (exports carry them). */
  readonly context: ExportContext;
  /** The recording's subject trained or validated the model (from the plan, so a crashed run keeps it); else null. */
  readonly seenSubject: SeenSubject | null;
  readonly analysis: DecodeAnalysis | null;
  readonly warnings: readonly string[];
}

export interface DecodeSession {
  readonly overrides: Readonly<Record<string, string>>;
  readonly setOverride: (modelChannel: string, recordingChannel: string) => void;
  /** Trials when the recording has annotations the model's label map knows, unless the user chose otherwise. */
  readonly segments: SegmentPlan;
  readonly trialsAvailable: boolean;
  readonly setSegments: (plan: SegmentPlan) => void;
  /** What a run would do now (null while it is worked out or without a model and recording). */
  readonly plan: DecodePlan | null;
  readonly phase: RunPhase;
  readonly progress: DecodeProgressState | null;
  readonly results: DecodeResults | null;
  /** performance.now() of the click and of the run's end (for the e2e's long-task window). */
  readonly runTimes: { readonly start: number; readonly end: number | null };
  readonly run: () => Promise<void>;
  readonly cancel: () => void;
}

/** Shortest interval between two progress renders during a run. */
const PROGRESS_MS = 200;

/**
 * Whether the recording holds annotations the model's label map turns into trials (cues, as T1/T2). A sleep model's
 * labels are scored spans, not cues: its recordings are decoded back to back, epoch after epoch.
 */
function hasTrials(model: ModelSummary | null, recording: RecordingSummary | null): boolean {
  const labels = model?.labels;
  return !!labels && !!recording && !model?.task.sleepStaging && recording.annotations.some((a) => Object.hasOwn(labels, a.description.trim()));
}

export function useDecodeSession(api: Comlink.Remote<WorkerApi> | null, model: ModelSummary | null, recording: RecordingSummary | null, onError: (message: string) => void): DecodeSession {
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [segmentChoice, setSegmentChoice] = useState<SegmentPlan | null>(null);
  const [phase, setPhase] = useState<RunPhase>('idle');
  const [progress, setProgress] = useState<DecodeProgressState | null>(null);
  const [results, setResults] = useState<DecodeResults | null>(null);
  const runTimes = useRef<{ start: number; end: number | null }>({ start: 0, end: null });
  // A mapping belongs to a recording: a new one starts from the automatic mapping.
  const recordingName = recording?.name ?? null;
  useEffect(() => {
    setOverrides({});
    setSegmentChoice(null);
  }, [recordingName]);
  const trialsAvailable = hasTrials(model, recording);
  const segments = segmentChoice ?? (trialsAvailable ? 'trials' : 'continuous');
  const request: DecodeRequest = useMemo(() => ({ channelOverrides: overrides, segments }), [overrides, segments]);
  const planCall = useWorkerCall(api && model && recording ? () => api.planDecode(request) : null, [api, model, recording, request]);

  // A new api means the worker died and was restarted: a run in flight will never answer, so it ends here with the
  // rows that had streamed in kept, and the new worker analyses them.
  const apiRef = useRef(api);
  const running = useRef(false);
  useEffect(() => {
    if (apiRef.current === api) return;
    apiRef.current = api;
    if (!running.current) return;
    running.current = false;
    runTimes.current.end ??= performance.now();
    setPhase('interrupted');
  }, [api]);
  const interruptedRows = phase === 'interrupted' && !results?.analysis ? results?.rows : undefined;
  useEffect(() => {
    if (!api || !interruptedRows || !results) return;
    const { labels, classes } = results;
    void api.analyse(interruptedRows, labels, classes).then(
      (analysis) => setResults((now) => (now && now.rows === interruptedRows ? { ...now, analysis } : now)),
      () => {}, // the results stay on screen without their analysis
    );
  }, [api, interruptedRows]);

  const run = useCallback(async () => {
    if (!api || !model) return;
    const plan = planCall.value;
    runTimes.current = { start: performance.now(), end: null };
    running.current = true;
    // Shown at once (the worker's first report follows): the click is answered within a frame.
    setPhase('running');
    setProgress({ done: 0, total: plan?.count ?? 0, elapsedSec: 0, lanes: 1 });
    const started: DecodeResults = { rows: [], segments, classes: model.task.classes, labels: model.labels, context: plan?.context ?? emptyContext(model, recording), seenSubject: plan?.seenSubject ?? null, analysis: null, warnings: [] };
    setResults(started);
    // Progress is shown at most every PROGRESS_MS: with several decoding threads reports come in bursts, and one
    // render per report would keep the main thread busier than it needs to be.
    let timer: ReturnType<typeof setTimeout> | null = null;
    let latest: DecodeProgressState | null = null;
    const collected: DecodedRow[] = [];
    const show = () => {
      timer = null;
      if (!latest) return;
      setResults((r) => (r ? { ...r, rows: [...collected], analysis: null } : r));
      setProgress(latest);
    };
    const mine = () => apiRef.current === api && running.current;
    try {
      const summary = await api.decode(
        request,
        Comlink.proxy((p) => {
          if (!mine()) return; // a dead worker's last messages: the run already ended as interrupted
          collected.push(...p.rows);
          latest = { done: p.done, total: p.total, elapsedSec: p.elapsedSec, lanes: p.lanes };
          timer ??= setTimeout(show, PROGRESS_MS);
        }),
      );
      if (timer !== null) clearTimeout(timer);
      timer = null;
      runTimes.current.end = performance.now();
      // The answer may overtake the last progress reports (they come on the callback's own channel): the final
      // count is the summary's.
      const last = latest as DecodeProgressState | null; // set by the callback, which TypeScript's flow analysis does not see
      setProgress({ done: summary.rows.length, total: last?.total ?? plan?.count ?? summary.rows.length, elapsedSec: (runTimes.current.end - runTimes.current.start) / 1000, lanes: summary.lanes });
      setResults({ ...started, rows: summary.rows, context: summary.context, seenSubject: summary.seenSubject, analysis: summary.analysis, warnings: summary.warnings });
      setPhase(summary.cancelled ? 'cancelled' : 'done');
    } catch (e) {
      if (apiRef.current === api) {
        onError(errorText(e));
        setPhase('failed');
      }
    } finally {
      if (timer !== null) {
        clearTimeout(timer);
        show(); // what streamed in before an error stays on screen
      }
      runTimes.current.end ??= performance.now();
      if (apiRef.current === api) running.current = false;
    }
  }, [api, model, recording, request, segments, planCall.value, onError]);

  const cancel = useCallback(() => void api?.cancel(), [api]);
  // An empty choice is "automatic": the channel is no longer pinned.
  const setOverride = useCallback(
    (modelChannel: string, recordingChannel: string) => setOverrides(({ [modelChannel]: _, ...rest }) => (recordingChannel ? { ...rest, [modelChannel]: recordingChannel } : rest)),
    [],
  );

  return {
    overrides,
    setOverride,
    segments,
    trialsAvailable,
    setSegments: setSegmentChoice,
    plan: planCall.value,
    phase,
    progress,
    results,
    runTimes: runTimes.current,
    run,
    cancel,
  };
}

/** The context of a run started before its plan arrived (the summary brings the worker's). */
function emptyContext(model: ModelSummary, recording: RecordingSummary | null): ExportContext {
  return {
    model: { name: model.name, task: model.task.id, classes: model.task.classes, sha256: model.sha256, sha256Of: '' },
    recording: { fileName: recording?.name ?? '', start: recording?.startIso ?? null, durationSec: recording?.durationSec ?? 0 },
    channelMapping: [],
    warnings: [],
  };
}
