// Above the traces of a scored recording: the hypnogram over clock time (and, once a sleep model has decoded the
// recording, its hypnogram beneath), linked to the traces both ways — the current page is marked on it, a click pages
// the traces to that epoch — with the scored epoch under the page, the sleep statistics, and the agreement.
import { useEffect, useRef, useState } from 'react';
import type { HypnogramSummary, RecordingSummary, SleepPredictions, SleepReport, WorkerApi } from '../../worker/api';
import { clockToDataSec, dataToClockSec, timeLabel } from '../format';
import type { Comlink } from '../workerClient';
import { AgreementTable } from './AgreementTable';
import { clockAt, drawHypnogram, type HypnogramSpan } from './drawHypnogram';
import { SleepStatsTable } from './SleepStatsTable';
import './sleep.css';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  /** A sleep-staging model's decode of this recording (kept by the app), or null. */
  readonly decoded: SleepPredictions | null;
  /** The traces' page, in data seconds. */
  readonly pageStartSec: number;
  readonly pageSec: number;
  readonly onJump: (dataSec: number) => void;
}

interface StripProps {
  readonly title: string;
  readonly testId: string;
  readonly hypnogram: HypnogramSummary;
  readonly stages: readonly string[];
  readonly recording: RecordingSummary;
  readonly span: HypnogramSpan;
  readonly page: HypnogramSpan;
  readonly withAxis: boolean;
  readonly onJump: (dataSec: number) => void;
}

function HypnogramStrip({ title, testId, hypnogram, stages, recording, span, page, withAxis, onJump }: StripProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawHypnogram(ref.current, hypnogram, stages, span, page, recording, withAxis);
  }, [hypnogram, stages, span, page, recording, withAxis]);
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const clockSec = clockAt(span, rect.width, e.clientX - rect.left);
    const epoch = Math.floor((clockSec - hypnogram.startSec) / hypnogram.epochSec);
    if (epoch < 0 || epoch >= hypnogram.epochs.length) return;
    onJump(clockToDataSec(recording, hypnogram.startSec + epoch * hypnogram.epochSec));
  };
  const counts = stages.map((s, code) => `${s} ${hypnogram.epochs.filter((c) => c === code).length}`).join(', ');
  return (
    <figure className="hypnogram-strip">
      <figcaption>{title}</figcaption>
      <canvas
        ref={ref}
        role="img"
        onClick={onClick}
        aria-label={`${title}: ${hypnogram.epochs.length} epochs of ${hypnogram.epochSec} s (${counts}); click an epoch to page the traces there`}
        data-testid={testId}
        data-epochs={Array.from(hypnogram.epochs).join(',')}
        data-start={hypnogram.startSec}
        data-epoch-sec={hypnogram.epochSec}
      />
    </figure>
  );
}

/** The stage of the epoch holding a clock second, or null. */
function stageAt(h: HypnogramSummary | null, stages: readonly string[], clockSec: number): { index: number; stage: string } | null {
  if (!h) return null;
  const index = Math.floor((clockSec - h.startSec) / h.epochSec + 1e-9);
  const code = h.epochs[index];
  if (code === undefined) return null;
  return { index, stage: stages[code] ?? (code < 0 ? 'artefact' : 'unscored') };
}

export function HypnogramPanel({ api, recording, decoded, pageStartSec, pageSec, onJump }: Props) {
  const [report, setReport] = useState<SleepReport | null>(null);
  useEffect(() => {
    let stale = false;
    api
      .sleepReport(decoded)
      .then((r) => !stale && setReport(r))
      .catch(() => !stale && setReport(null));
    return () => {
      stale = true;
    };
  }, [api, recording, decoded]);
  if (!report) return null;
  const { scored, predicted, stages } = report;
  const span: HypnogramSpan = { fromSec: dataToClockSec(recording, 0), toSec: dataToClockSec(recording, recording.durationSec) };
  const page: HypnogramSpan = { fromSec: dataToClockSec(recording, pageStartSec), toSec: dataToClockSec(recording, pageStartSec + pageSec) };
  const here = stageAt(scored, stages, page.fromSec);
  const guessed = stageAt(predicted, stages, page.fromSec);
  const columns = [...(scored ? [{ title: 'scored', statistics: scored.statistics }] : []), ...(predicted ? [{ title: `predicted (${predicted.model})`, statistics: predicted.statistics }] : [])];
  return (
    <details className="hypnogram-panel" open aria-label="Hypnogram">
      <summary>
        Hypnogram{scored ? `: ${scored.epochs.length} scored epochs of ${scored.epochSec} s` : ''}
        {predicted ? `${scored ? '; ' : ': '}predicted by ${predicted.model}` : ''}
        <span className="current-epoch" data-testid="current-epoch">
          {' — '}page at {timeLabel(recording, page.fromSec)}
          {here ? `, epoch ${here.index + 1}: ${here.stage}` : ''}
          {guessed ? ` (predicted ${guessed.stage})` : ''}
        </span>
      </summary>
      {scored && <HypnogramStrip title="Scored" testId="hypnogram" hypnogram={scored} stages={stages} recording={recording} span={span} page={page} withAxis={!predicted} onJump={onJump} />}
      {predicted && <HypnogramStrip title={`Predicted by ${predicted.model}`} testId="hypnogram-predicted" hypnogram={predicted} stages={stages} recording={recording} span={span} page={page} withAxis onJump={onJump} />}
      <details className="sleep-details">
        <summary>Sleep statistics{report.agreement ? ' and agreement' : ''}</summary>
        <div className="sleep-tables">
          <SleepStatsTable columns={columns} />
          {report.agreement && <AgreementTable agreement={report.agreement} stages={stages} />}
        </div>
      </details>
    </details>
  );
}
