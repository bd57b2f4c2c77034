import { BtsBackupError } from './bts-backup-error.js';

/** For bugs only: a state the code believes impossible. */
export class InternalError extends BtsBackupError {
  constructor(message: string, cause?: unknown) {
    super('E_INTERNAL', message, { cause, hint: 'This is a bug in BizTalkBackup; please report it with the command you ran.' });
    this.name = 'InternalError';
  }
}
