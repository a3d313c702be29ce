// What every CLI command provides, the small argument parser they share, and the one message for unreadable input.

export interface Command {
  readonly help: string;
  /** Returns the exit code. Throw CliError for usage problems (exit 1) and unreadable input (exit 2). */
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

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** The reason a file system call failed, in words (Node's `code`), or null for errors that are not about a path. */
export function systemReason(error: unknown): string | null {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return code && syscall ? (SYSTEM_REASONS[code] ?? code) : null;
}

/** The one message for an input file that cannot be read, whatever the command: `cannot read PATH: why` (exit 2). */
export function cannotRead(path: string, why: string): CliError {
  return new CliError(`cannot read ${path}: ${why}`, 2);
}

export interface ParsedArgs {
  readonly positional: string[];
  /** `--name value` and `--name=value`; a repeated option keeps every value in order. */
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
}

/**
 * Parses argv. `valued` lists the options that take a value (those in `multi` may take several: `--train a b c`
 * collects until the next `--option`); every other `--x` is a flag. Given `known` (the flags a command takes),
 * any other option is refused, so a typo is never silently ignored (the CLI commands pass it).
 */
export function parseArgs(argv: string[], valued: readonly string[], multi: readonly string[] = [], known?: readonly string[]): ParsedArgs {
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
      if (known && !known.includes(name)) throw new CliError(`unknown option --${name}`);
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
