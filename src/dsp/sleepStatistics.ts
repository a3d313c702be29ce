// The usual sleep statistics of a hypnogram, defined as YASA's sleep_statistics defines them (after the AASM manual):
// - time in bed (TIB): the whole hypnogram; sleep period time (SPT): first to last sleep epoch;
// - wake after sleep onset (WASO): wake within SPT; total sleep time (TST): N1 + N2 + N3 + REM within SPT;
// - sleep efficiency SE = TST / TIB, sleep maintenance efficiency SME = TST / SPT (%);
// - stage minutes over the whole hypnogram, NREM = N1 + N2 + N3, and each stage as a percentage of TST;
// - latencies from the start of the hypnogram: sleep onset (SOL, first epoch of any sleep stage) and each stage's
//   first epoch. YASA's REM latency counts from the start; the AASM's counts from sleep onset (Lat_REM − SOL), given
//   here as remLatencyAfterOnsetMin.
// Artefact/movement and unscored epochs count in TIB but are neither sleep nor wake.
import { SLEEP_STAGES, type SleepStage } from './hypnogram';

export interface SleepStatistics {
  readonly timeInBedMin: number;
  readonly sleepPeriodMin: number;
  readonly wakeAfterSleepOnsetMin: number;
  readonly totalSleepMin: number;
  /** TST / TIB (%). */
  readonly sleepEfficiencyPct: number;
  /** TST / SPT (%); null without sleep. */
  readonly sleepMaintenanceEfficiencyPct: number | null;
  /** Minutes of each stage over the whole hypnogram. */
  readonly stageMin: Readonly<Record<SleepStage, number>>;
  readonly nremMin: number;
  /** Each sleep stage (and NREM) as a percentage of TST; null without sleep. */
  readonly stagePctOfSleep: Readonly<Record<Exclude<SleepStage, 'W'> | 'NREM', number>> | null;
  /** Minutes from the start to the first epoch of any sleep (SOL), and of each stage; null where there is none. */
  readonly sleepOnsetLatencyMin: number | null;
  readonly stageLatencyMin: Readonly<Record<Exclude<SleepStage, 'W'>, number | null>>;
  /** The AASM's REM latency: from sleep onset to the first REM epoch. */
  readonly remLatencyAfterOnsetMin: number | null;
  readonly artefactMin: number;
  readonly unscoredMin: number;
}

const isSleep = (code: number) => code >= 1 && code <= 4;

export function sleepStatistics(epochs: ArrayLike<number>, epochSec: number): SleepStatistics {
  const min = (n: number) => (n * epochSec) / 60;
  const codes = Array.from(epochs);
  const first = codes.findIndex(isSleep);
  const last = codes.length - 1 - [...codes].reverse().findIndex(isSleep);
  const period = first < 0 ? [] : codes.slice(first, last + 1);
  const count = (list: readonly number[], code: number) => list.filter((c) => c === code).length;
  const stageMin = Object.fromEntries(SLEEP_STAGES.map((s, code) => [s, min(count(codes, code))])) as Record<SleepStage, number>;
  const tst = min(period.filter(isSleep).length);
  const nremMin = stageMin.N1 + stageMin.N2 + stageMin.N3;
  const latency = (code: number) => {
    const i = codes.indexOf(code);
    return i < 0 ? null : min(i);
  };
  const tib = min(codes.length);
  const rem = latency(4);
  return {
    timeInBedMin: tib,
    sleepPeriodMin: min(period.length),
    wakeAfterSleepOnsetMin: min(count(period, 0)),
    totalSleepMin: tst,
    sleepEfficiencyPct: tib > 0 ? (100 * tst) / tib : 0,
    sleepMaintenanceEfficiencyPct: period.length > 0 ? (100 * tst) / min(period.length) : null,
    stageMin,
    nremMin,
    stagePctOfSleep: tst > 0 ? { N1: (100 * stageMin.N1) / tst, N2: (100 * stageMin.N2) / tst, N3: (100 * stageMin.N3) / tst, REM: (100 * stageMin.REM) / tst, NREM: (100 * nremMin) / tst } : null,
    sleepOnsetLatencyMin: first < 0 ? null : min(first),
    stageLatencyMin: { N1: latency(1), N2: latency(2), N3: latency(3), REM: rem },
    remLatencyAfterOnsetMin: rem === null || first < 0 ? null : rem - min(first),
    artefactMin: min(codes.filter((c) => c < 0).length),
    unscoredMin: min(codes.filter((c) => c > 4).length),
  };
}
