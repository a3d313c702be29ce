// How busy the machine was with OTHER work while a benchmark measured: the CPU time of every core (/proc/stat) minus
// that of this process and all its descendants (the workloads' child processes, Chromium's processes), per second
// of wall time, i.e. the cores other processes kept busy. Linux only; elsewhere it says it cannot tell.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every Linux build in use). */
const TICKS_PER_SEC = 100;

/** Busy ticks of all cores: everything but idle, iowait and steal (/proc/stat's first line). */
function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = fields as number[];
  return user! + nice! + system! + irq! + softirq!;
}

/** Parent and utime + stime ticks of every process. */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command name (which may hold spaces): state ppid … utime(14) stime(15).
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {
      // the process ended while we listed
    }
  }
  return stats;
}

/** `root` and all its descendants, from a process table. */
export function processTree(root: number, table = processTable()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** utime + stime ticks of this process and every descendant. */
function ownTreeTicks(): number {
  const table = processTable();
  return processTree(process.pid, table).reduce((sum, pid) => sum + (table.get(pid)?.ticks ?? 0), 0);
}

/** Peak resident memory (VmHWM) of a process in MiB, 0 if it is gone. */
export function peakRssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line ? Number(line[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The command line of a process ('' if it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export interface LoadReading {
  /** Cores kept busy by processes outside this benchmark, on average over the measurement. */
  readonly otherCores: number;
  readonly cores: number;
  /** The 1-minute load average at the end. */
  readonly loadAverage1: number;
}

/** Starts measuring; the returned function ends the measurement. */
export function measureLoad(): () => LoadReading | null {
  if (process.platform !== 'linux') return () => null;
  const started = performance.now();
  const busy0 = machineBusyTicks();
  const own0 = ownTreeTicks();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const other = machineBusyTicks() - busy0 - (ownTreeTicks() - own0);
    return { otherCores: Math.max(0, other / TICKS_PER_SEC / seconds), cores: cpus().length, loadAverage1: loadavg()[0]! };
  };
}

export function describeLoad(r: LoadReading | null): string {
  if (!r) return 'machine load: not measured (needs Linux /proc)';
  return `machine load while measuring: other processes kept ${r.otherCores.toFixed(2)} of ${r.cores} cores busy; 1-min load average ${r.loadAverage1.toFixed(2)}`;
}

/** A table cell: the other processes' cores. */
export const loadCell = (r: LoadReading | null) => (r ? `${r.otherCores.toFixed(2)} / ${r.cores}` : '—');
