import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { PUBLISH_USAGE, publish } from './publish.js';
import { SERVE_USAGE, serve } from './serve.js';
import { writeLine } from './stdio.js';
import { TAIL_USAGE, tail } from './tail.js';

/** Where {@link runCli} prints: one call per line, without the trailing newline (injectable for tests). */
export interface CliIo {
  /** Results: the `listening on` line, acks, tailed events. */
  out(line: string): void;
  /** Errors and status lines. */
  err(line: string): void;
}

const STDIO: CliIo = {
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
};

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { usage: string; run: Command }>> = {
  serve: { usage: SERVE_USAGE, run: (argv, io) => serve(argv, io.out) },
  publish: { usage: PUBLISH_USAGE, run: (argv, io) => publish(argv, io.out) },
  tail: { usage: TAIL_USAGE, run: (argv, io) => tail(argv, io.out, io.err) },
};

const USAGE = `usage:
  herald serve [options]                  run a hub (herald serve --help lists every option)
  ${PUBLISH_USAGE}
  ${TAIL_USAGE}
  herald --version`;

/** The version of the installed `@herald/cli` (this file sits one level below its package.json). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** True when `--help`/`-h` appears before a `--` terminator. */
const asksHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/**
 * Runs `herald <command> …` and resolves with the exit code. Errors print one line, never a stack:
 * usage errors exit 2 (an unknown flag also prints the command's usage), runtime failures (port in use,
 * unsafe config, hub errors) exit 1. `--help` on any command prints its usage and exits 0. `serve` and
 * `tail` resolve only after SIGTERM or SIGINT.
 *
 * @param argv - the arguments after `herald`, e.g. `['publish', 'run:1', 'step', '{"n":1}']`
 * @param io - where lines are printed; stdout and stderr by default
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const code = await runCli(['--version'], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = STDIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(cliVersion());
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`herald: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  if (asksHelp(rest)) {
    io.out(`usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`herald: ${err.message}`);
      return err.exitCode;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`herald: ${(err as Error).message}\nusage: ${command.usage}`);
      return 2;
    }
    io.err(`herald: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}
