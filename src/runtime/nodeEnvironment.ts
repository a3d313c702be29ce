// The machine as Node describes it (the Node twin of environment.ts's browserMachine).
import { availableParallelism, totalmem } from 'node:os';
import type { Machine } from './environment';

export function nodeMachine(): Machine {
  return { logicalCpus: availableParallelism(), memoryGB: totalmem() / 2 ** 30 };
}
