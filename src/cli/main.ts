// `specmoe <command> ...`: the Node entry on the same core as the app. Each command lives in its own file
// under src/cli/commands and registers itself in COMMANDS below.
import { CliError, type Command, systemReason } from './command';

const COMMANDS: Record<string, () => Promise<Command>> = {
  info: async () => (await import('./commands/info')).infoCommand,
  pretrain: async () => (await import('./commands/pretrain')).pretrainCommand,
  predict: async () => (await import('./commands/predict')).predictCommand,
  finetune: async () => (await import('./commands/finetune')).finetuneCommand,
  forward: async () => (await import('./commands/forward')).forwardCommand,
  spectrogram: async () => (await import('./commands/spectrogram')).spectrogramCommand,
};

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  return `usage: specmoe <command> [options]\ncommands: ${names.join(', ') || '(none yet)'}\nrun "specmoe <command> --help" for a command's options`;
}

/** Runs the CLI; returns the process exit code (0 ok, 1 usage, 2 unreadable input or failed run, 3 parity failure). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`specmoe: unknown command "${name}"\n${usage()}`);
    return 1;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    console.error(`specmoe ${name}: ${errorLine(e, name)}`);
    return e instanceof CliError ? e.exitCode : 2;
  }
}

/** What went wrong, in the words every command uses; a usage error points to the command's help. */
function errorLine(e: unknown, name: string): string {
  const err = e as Error & { path?: string };
  if (err instanceof CliError) return err.exitCode === 1 ? `${err.message}\nrun "specmoe ${name} --help" for its options` : err.message;
  const reason = systemReason(err);
  if (reason && err.path) return `${err.path}: ${reason}`;
  return `${err.name}: ${err.message}`;
}
