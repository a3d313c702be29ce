// What every CLI command provides, and the small argument parser they share.

export interface Command {
  readonly help: string;
  /** Returns the exit code. Throw CliError for usage problems; any other error exits with 2. */
  run(argv: string[]): Promise<number>;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ParsedArgs {
  readonly positional: string[];
  /** `--name value` and `--name=value`; a repeated option keeps every value in order. */
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
}

/**
 * Parses argv. `valued` lists the options that take a value (they may take several: `--train a b c` collects
 * until the next `--option`); every other `--x` is a flag.
 */
export function parseArgs(argv: string[], valued: readonly string[], multi: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!valued.includes(name)) {
      if (eq > 0) throw new CliError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    const values = options.get(name) ?? [];
    if (eq > 0) values.push(arg.slice(eq + 1));
    else {
      if (i + 1 >= argv.length || argv[i + 1]!.startsWith('--')) throw new CliError(`option --${name} needs a value`);
      values.push(argv[++i]!);
      if (multi.includes(name)) while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!);
    }
    options.set(name, values);
  }
  return { positional, options, flags };
}

/** The single value of an option, or `fallback`. */
export function option(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = args.options.get(name);
  return v && v.length > 0 ? v[v.length - 1] : fallback;
}

export function numberOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = option(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`option --${name} needs a number, got "${v}"`);
  return n;
}
