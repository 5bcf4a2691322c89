import { fstatSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { type DestinationStream, pino } from 'pino';
import pretty from 'pino-pretty';

/** How `herald serve` writes log lines: `pretty` (one human line per entry) or `json` (one object per line). */
export type LogFormat = 'pretty' | 'json';

// Past this many bytes waiting for a stalled stderr, log lines are dropped rather than held in memory.
const MAX_PENDING_LOG_BYTES = 1 << 20;

// stderr is one per process, so is its writer.
let stderrSocket: Socket | undefined;

function fstatOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

/**
 * A writer for fd 2 that never blocks. A pipe or socket is opened as a non-blocking socket: a stalled
 * reader then only fills a bounded buffer (past it lines are dropped), where a blocking write would stall
 * the event loop, or park a thread that process exit waits on for ever. EPIPE (reader gone) drops lines.
 * Files and terminals do not stall, and are written directly.
 */
function stderrWriter(): Writable | DestinationStream {
  const kind = fstatOrUndefined(2);
  if (kind === undefined || !(kind.isFIFO() || kind.isSocket()))
    return pino.destination({ dest: 2, sync: true });
  stderrSocket ??= new Socket({ fd: 2, readable: false, writable: true });
  const socket = stderrSocket;
  socket.unref();
  socket.on('error', () => {});
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!socket.destroyed && socket.writableLength < MAX_PENDING_LOG_BYTES) socket.write(chunk);
      done();
    },
  });
}

/**
 * The destination of `herald serve`'s logs on stderr: human lines on a terminal, JSON otherwise, unless
 * `format` says.
 */
export function stderrLogStream(format: LogFormat | undefined): DestinationStream {
  const writer = stderrWriter();
  if ((format ?? (process.stderr.isTTY ? 'pretty' : 'json')) === 'json') return writer as DestinationStream;
  return pretty({
    destination: writer,
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
}

/** Waits for log lines still queued for stderr to be written, for at most `timeoutMs` (it may be stalled). */
export function flushLogs(timeoutMs = 1000): Promise<void> {
  const socket = stderrSocket;
  if (socket === undefined || socket.destroyed || socket.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    socket.once('drain', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
