// What the program runs on, each question answered in one place: cross-origin isolation (shared memory, wasm
// threads), the machine's logical CPUs and memory (the browser's view; Node's is nodeEnvironment.ts).

/** Logical CPUs and memory (GB; null where the environment does not tell). */
export interface Machine {
  readonly logicalCpus: number;
  readonly memoryGB: number | null;
}

/** Whether the page is cross-origin isolated (COOP/COEP): only then do SharedArrayBuffer and wasm threads exist. */
export function crossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** The machine as the browser describes it (navigator.hardwareConcurrency and navigator.deviceMemory). */
export function browserMachine(): Machine {
  const nav = globalThis.navigator as { hardwareConcurrency?: number; deviceMemory?: number } | undefined;
  return { logicalCpus: nav?.hardwareConcurrency || 1, memoryGB: nav?.deviceMemory ?? null };
}

/**
 * tfjs-backend-wasm's own choice, half the logical CPUs up to 4, where that is at least 2 and the page is cross-origin
 * isolated; otherwise the single-threaded build (one thread would only add its eight idle pthread workers).
 */
export function defaultWasmThreads(machine: Machine = browserMachine()): number {
  const threads = Math.min(4, Math.floor(machine.logicalCpus / 2));
  return crossOriginIsolated() && threads >= 2 ? threads : 0;
}
