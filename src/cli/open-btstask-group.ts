import { BtsBackupError } from '../errors/index.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { GroupOptions } from './context.js';

/** The real back end: BTSTask.exe. Wired once the BTSTask adapter lands. */
export async function openBtsTaskGroup(options: GroupOptions): Promise<BizTalkGroup> {
  void options;
  throw new BtsBackupError('E_BTSTASK_NOT_FOUND', 'BTSTask.exe was not found on this machine.', {
    hint: 'Run on a BizTalk server, pass --btstask <path to BTSTask.exe>, or use --simulator for the embedded sample group.',
  });
}
