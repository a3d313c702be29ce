// State dicts by the authors' key names (STATE_DICT.md): the shape check against a model's expected keys, the
// DataParallel prefix, and assembling a SpecMoE state dict from three experts and a head.
import { WeightsError } from './errors';

export interface ShapeProblem {
  readonly key: string;
  /** Absent for an extra tensor. */
  readonly expected?: readonly number[];
  /** Absent for a missing tensor. */
  readonly found?: readonly number[];
}

/** A state dict that does not fit the model: every missing, extra and mis-shaped tensor, by key. */
export class StateDictMismatchError extends WeightsError {
  constructor(
    readonly problems: readonly ShapeProblem[],
    what: string,
  ) {
    super(`${what} does not fit the model: ${summarise(problems)}\n${problems.map(describeProblem).join('\n')}`, problems[0]?.key);
  }
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function describeProblem(p: ShapeProblem): string {
  if (!p.found) return `  missing ${p.key}: expected ${shapeText(p.expected!)}`;
  if (!p.expected) return `  extra ${p.key}: found ${shapeText(p.found)}`;
  return `  mis-shaped ${p.key}: expected ${shapeText(p.expected)}, found ${shapeText(p.found)}`;
}

function summarise(problems: readonly ShapeProblem[]): string {
  const count = (pred: (p: ShapeProblem) => boolean): number => problems.filter(pred).length;
  const parts = [
    [count((p) => !p.found), 'missing'],
    [count((p) => !p.expected), 'extra'],
    [count((p) => !!p.found && !!p.expected), 'mis-shaped'],
  ] as const;
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(', ');
}

/**
 * Checks that `found` has exactly the keys of `expected`, each with the expected shape; otherwise throws a
 * StateDictMismatchError listing every problem (in expected order, then the extras).
 */
export function checkStateDict(
  expected: ReadonlyMap<string, readonly number[]>,
  found: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  what = 'state dict',
): void {
  const problems: ShapeProblem[] = [];
  for (const [key, shape] of expected) {
    const tensor = found.get(key);
    if (!tensor) problems.push({ key, expected: shape });
    else if (!sameShape(shape, tensor.shape)) problems.push({ key, expected: shape, found: tensor.shape });
  }
  for (const [key, tensor] of found) if (!expected.has(key)) problems.push({ key, found: tensor.shape });
  if (problems.length) throw new StateDictMismatchError(problems, what);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

const MODULE_PREFIX = 'module.';

/** Drops the `module.` prefix that DataParallel adds to every key (as the official loader does, key by key). */
export function stripModulePrefix<T>(tensors: ReadonlyMap<string, T>): Map<string, T> {
  const out = new Map<string, T>();
  for (const [key, value] of tensors) {
    const name = key.startsWith(MODULE_PREFIX) ? key.slice(MODULE_PREFIX.length) : key;
    if (out.has(name)) throw new WeightsError(`state dict has both "${name}" and "${MODULE_PREFIX}${name}"`, name);
    out.set(name, value);
  }
  return out;
}

/** Top-level modules of an expert that SpecMoE keeps (its encoder); STATE_DICT.md "Key mapping expert → SpecMoE". */
export const EXPERT_ENCODER_MODULES: readonly string[] = ['Down1', 'Down2', 'TransformerEnc1', 'Down3', 'Bottom1', 'TransformerEnc2', 'Bottom2'];

/** Whether a key of an expert's state dict belongs to its encoder. */
export const isEncoderKey = (key: string): boolean => EXPERT_ENCODER_MODULES.includes(key.slice(0, key.indexOf('.')));

/**
 * A SpecMoE state dict from three expert state dicts (full experts or encoders; decoder keys are dropped) and a
 * head (`gate_LinearT_k.*`, `classifier.*`): expert k's `<key>` becomes `experts.k.<key>`.
 */
export function assembleSpecMoEStateDict<T>(experts: readonly ReadonlyMap<string, T>[], head: ReadonlyMap<string, T>): Map<string, T> {
  if (experts.length !== 3) throw new WeightsError(`SpecMoE needs 3 experts, got ${experts.length}`);
  const out = new Map<string, T>();
  experts.forEach((expert, k) => {
    for (const [key, value] of expert) if (isEncoderKey(key)) out.set(`experts.${k}.${key}`, value);
  });
  for (const [key, value] of head) {
    if (key.startsWith('experts.')) throw new WeightsError(`head key "${key}" belongs to an expert, not to the head`, key);
    out.set(key, value);
  }
  return out;
}

/** Expert k's encoder state dict out of a SpecMoE state dict (the inverse of assembleSpecMoEStateDict). */
export function expertEncoderStateDict<T>(specMoE: ReadonlyMap<string, T>, k: number): Map<string, T> {
  const prefix = `experts.${k}.`;
  const out = new Map<string, T>();
  for (const [key, value] of specMoE) if (key.startsWith(prefix)) out.set(key.slice(prefix.length), value);
  return out;
}

/** The head of a SpecMoE state dict: every key outside `experts.*` (gate linears, classifier). */
export function specMoEHeadStateDict<T>(specMoE: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...specMoE].filter(([key]) => !key.startsWith('experts.')));
}

export type ModelKind = 'expert' | 'specmoe';

/** Whether a state dict is one expert (`Down1.*` ...) or a SpecMoE (`experts.k.*`, gate, classifier). */
export function modelKindOf(tensors: ReadonlyMap<string, unknown>): ModelKind {
  const keys = [...tensors.keys()];
  if (keys.some((k) => k.startsWith('experts.'))) return 'specmoe';
  if (keys.some(isEncoderKey)) return 'expert';
  throw new WeightsError(
    `neither an expert (Down1.*, ...) nor a SpecMoE (experts.0.*, ...) state dict; first keys: ${keys.slice(0, 5).join(', ') || '(none)'}`,
    keys[0],
  );
}
