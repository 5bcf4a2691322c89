import { CliError } from './errors.js';
import { PUBLISH_USAGE, publish } from './publish.js';
import { SERVE_USAGE, serve } from './serve.js';
import { TAIL_USAGE, tail } from './tail.js';

const USAGE = `usage:\n  ${SERVE_USAGE}\n  ${PUBLISH_USAGE}\n  ${TAIL_USAGE}`;

/** Output streams of the CLI (injectable for tests). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const STDIO: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs `herald <command> …` and resolves with the exit code. Errors print one line, never a stack:
 * usage errors exit 2, runtime failures (port in use, unsafe config, hub errors) exit 1.
 */
export async function runCli(argv: readonly string[], io: CliIo = STDIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io.out);
      case 'publish':
        return await publish(rest, io.out);
      case 'tail':
        return await tail(rest, io.out, io.err);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`herald: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`herald: ${err.message}`);
      return err.exitCode;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`herald: ${(err as Error).message}`);
      return 2;
    }
    io.err(`herald: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}
