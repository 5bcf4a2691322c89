/**
 * Makes writes to a closed or broken stdout/stderr (EPIPE: the reader went away) harmless. Without it the
 * write error surfaces as an uncaught exception, and a hub whose terminal or log pipe is gone could no
 * longer shut down cleanly on SIGTERM.
 */
export function ignoreBrokenStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {});
  }
}

/** Writes one line, dropping it when the stream is already closed. */
export function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (stream.destroyed || stream.writableEnded) return;
  try {
    stream.write(`${line}\n`);
  } catch {
    // A synchronous EPIPE on a closed descriptor: the line has no reader.
  }
}
