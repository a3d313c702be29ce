// The usual sleep statistics of one or two hypnograms side by side, named and defined as YASA reports them.
import type { SleepStatistics } from '../../worker/api';

interface Column {
  readonly title: string;
  readonly statistics: SleepStatistics;
}

const minutes = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} min`);
const percent = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} %`);

const ROWS: readonly { label: string; help: string; value: (s: SleepStatistics) => string }[] = [
  { label: 'Time in bed (TIB)', help: 'the whole scored hypnogram', value: (s) => minutes(s.timeInBedMin) },
  { label: 'Sleep period (SPT)', help: 'first to last epoch of sleep', value: (s) => minutes(s.sleepPeriodMin) },
  { label: 'Total sleep time (TST)', help: 'N1 + N2 + N3 + REM within SPT', value: (s) => minutes(s.totalSleepMin) },
  { label: 'Wake after sleep onset (WASO)', help: 'wake within SPT', value: (s) => minutes(s.wakeAfterSleepOnsetMin) },
  { label: 'Sleep efficiency (SE)', help: 'TST / TIB', value: (s) => percent(s.sleepEfficiencyPct) },
  { label: 'Sleep maintenance efficiency (SME)', help: 'TST / SPT', value: (s) => percent(s.sleepMaintenanceEfficiencyPct) },
  { label: 'Sleep onset latency (SOL)', help: 'from the start to the first epoch of sleep', value: (s) => minutes(s.sleepOnsetLatencyMin) },
  { label: 'REM latency', help: 'from the start (YASA); after sleep onset in brackets (AASM)', value: (s) => `${minutes(s.stageLatencyMin.REM)}${s.remLatencyAfterOnsetMin === null ? '' : ` (${minutes(s.remLatencyAfterOnsetMin)})`}` },
  { label: 'W', help: 'minutes of wake over the whole hypnogram', value: (s) => minutes(s.stageMin.W) },
  ...(['N1', 'N2', 'N3', 'REM'] as const).map((stage) => ({
    label: stage,
    help: 'minutes, and share of TST',
    value: (s: SleepStatistics) => `${minutes(s.stageMin[stage])}, ${percent(s.stagePctOfSleep?.[stage] ?? null)}`,
  })),
  { label: 'NREM', help: 'N1 + N2 + N3, and share of TST', value: (s) => `${minutes(s.nremMin)}, ${percent(s.stagePctOfSleep?.NREM ?? null)}` },
  { label: 'Artefact / movement, unscored', help: 'in TIB, neither sleep nor wake', value: (s) => `${minutes(s.artefactMin)}, ${minutes(s.unscoredMin)}` },
];

export function SleepStatsTable({ columns }: { readonly columns: readonly Column[] }) {
  return (
    <table className="sleep-stats" aria-label="Sleep statistics">
      <caption>Sleep statistics (definitions of YASA's sleep_statistics, after the AASM manual)</caption>
      <thead>
        <tr><th scope="col">statistic</th>{columns.map((c) => <th key={c.title} scope="col">{c.title}</th>)}</tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.label}>
            <th scope="row" title={row.help}>{row.label} <span className="hint">({row.help})</span></th>
            {columns.map((c) => <td key={c.title}>{row.value(c.statistics)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
