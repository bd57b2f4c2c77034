import { Readable } from 'node:stream';
import { BtsBackupError, hints } from '../errors/index.js';

/**
 * How standard input is used when `--stdin-channel` is given (the PowerShell module always gives it):
 * - `stop`: standard input is the stop channel. A `stop` line, or its end (the module closed it, or the module's
 *   process died), asks the run to stop like a first Ctrl-C. Works the same on Windows and Linux, where the module
 *   cannot send node a signal.
 * - `input-then-stop`: the first line is the command's input (base64 of UTF-8: secret values never travel in argv or
 *   a file), the rest is the stop channel.
 */
export type StdinChannel = 'stop' | 'input-then-stop';

/**
 * Ctrl-C (SIGINT), a service stop (SIGTERM) or a stop asked for on the stdin channel: the first one asks the running
 * command to stop at its next checkpoint (every progress report, and just before anything is committed), so that its
 * `finally` blocks release the store lock and remove staging files, and the run ends with E_INTERRUPTED (exit 130) and
 * no half-written set. A second signal ends the process at once.
 */
export class Interruption {
  private reason: string | undefined;
  private stdin: NodeJS.ReadableStream | undefined;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.reason !== undefined) {
      this.uninstall();
      process.kill(process.pid, signal);
      return;
    }
    this.reason = signal;
    this.onFirst(signal);
  };
  private readonly onFirst: (reason: string) => void;

  constructor(onFirst: (reason: string) => void) {
    this.onFirst = onFirst;
  }

  install(): void {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
    const stdin = this.stdin;
    this.stdin = undefined;
    // A stream still read keeps node alive: once the command is over, the channel is of no use.
    if (stdin !== undefined) (stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }

  /** Asks the run to stop as a first Ctrl-C does; later requests change nothing (the caller kills if it must). */
  request(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.onFirst(reason);
  }

  get requested(): boolean {
    return this.reason !== undefined;
  }

  /**
   * Watches standard input as the stop channel. With `input-then-stop`, the first line is the command's input:
   * returned as a stream holding its decoded text (empty when the channel ended first).
   */
  watch(stdin: NodeJS.ReadableStream, channel: StdinChannel): NodeJS.ReadableStream | undefined {
    this.stdin = stdin;
    let buffered = '';
    let wantsInput = channel === 'input-then-stop';
    let resolveInput: (text: string) => void = () => undefined;
    const input = new Promise<string>((resolve) => (resolveInput = resolve));
    const onLine = (raw: string): void => {
      const line = raw.replace(/^\uFEFF/, '').trim();
      if (wantsInput) {
        wantsInput = false;
        resolveInput(Buffer.from(line, 'base64').toString('utf8'));
        return;
      }
      if (line.toLowerCase() === 'stop') this.request('stop requested');
    };
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => {
      buffered += chunk;
      let at = buffered.indexOf('\n');
      while (at >= 0) {
        onLine(buffered.slice(0, at));
        buffered = buffered.slice(at + 1);
        at = buffered.indexOf('\n');
      }
    });
    const ended = (): void => {
      if (this.stdin !== stdin) return;
      if (buffered !== '') onLine(buffered);
      buffered = '';
      if (wantsInput) {
        wantsInput = false;
        resolveInput('');
      }
      this.request('standard input closed');
    };
    stdin.on('end', ended);
    stdin.on('close', ended);
    stdin.on('error', ended);
    if (channel !== 'input-then-stop') return undefined;
    return Readable.from(
      (async function* () {
        yield Buffer.from(await input, 'utf8');
      })(),
    );
  }

  /** Throws E_INTERRUPTED once a stop was asked for. */
  check(): void {
    if (this.reason !== undefined) {
      throw new BtsBackupError('E_INTERRUPTED', `Interrupted (${this.reason}): stopped before the next step; nothing was committed and nothing half-written was kept.`, {
        hint: hints.interrupted,
      });
    }
  }
}
