import { BtsBackupError } from '../errors/index.js';

/**
 * Ctrl-C (SIGINT) or a service stop (SIGTERM): the first one asks the running command to stop at the next
 * application boundary (progress report), so that its `finally` blocks release the store lock and remove staging
 * files, and the run ends with E_INTERRUPTED (exit 130) and no half-written set. A second one ends the process at once.
 */
export class Interruption {
  private signal: NodeJS.Signals | undefined;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.signal !== undefined) {
      this.uninstall();
      process.kill(process.pid, signal);
      return;
    }
    this.signal = signal;
    this.onFirst(signal);
  };
  private readonly onFirst: (signal: NodeJS.Signals) => void;

  constructor(onFirst: (signal: NodeJS.Signals) => void) {
    this.onFirst = onFirst;
  }

  install(): void {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  /** Throws E_INTERRUPTED once a signal arrived. */
  check(): void {
    if (this.signal !== undefined) {
      throw new BtsBackupError('E_INTERRUPTED', `Interrupted (${this.signal}): stopped before the next application; nothing half-written was kept.`, {
        hint: 'Run the command again: an export reuses what is already stored, a restore skips what is already Unchanged.',
      });
    }
  }
}
