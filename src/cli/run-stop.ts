import { abandonedInProcessCalls } from '../adapters/explorerom/call-control.js';

/**
 * Aborted when the run is asked to stop (the first Ctrl-C or SIGTERM): calls that may block for long without reaching
 * an application boundary (ExplorerOM) listen to it and give up at once.
 */
export const runStop = new AbortController();

/**
 * An in-process .NET call that was given up (timed out, or stopped) still runs on a CLR thread, and edge-js keeps node
 * alive while it does: once the run is wound up (lock released, output written), end the process with its exit code.
 * Returns false when there is nothing to end.
 */
export function endIfCallsAbandoned(exitCode: number, streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): boolean {
  if (abandonedInProcessCalls() === 0) return false;
  let pending = streams.length;
  const end = (): void => process.exit(exitCode);
  // Whatever happens to the pipes (a reader that stopped reading), do not wait for ever.
  setTimeout(end, 5000).unref();
  for (const stream of streams) {
    stream.write('', () => {
      pending -= 1;
      if (pending === 0) end();
    });
  }
  return true;
}
