import path from 'node:path';
import { BtsTaskGroup } from '../adapters/btstask/btstask-group.js';
import { ProcessRunner } from '../adapters/btstask/btstask-runner.js';
import { findBtsTask } from '../adapters/btstask/find-btstask.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { GroupOptions } from './context.js';

/**
 * The real back end: BTSTask.exe, found in the BizTalk install folder or named with --btstask. A `.js` path runs
 * under node: that is how the BTSTask emulator stands in for BTSTask.exe off Windows.
 */
export async function openBtsTaskGroup(options: GroupOptions): Promise<BizTalkGroup> {
  const executable = await findBtsTask(options.btstask === undefined ? {} : { explicitPath: options.btstask });
  const timeoutMs = (options.btstaskTimeout ?? 3600) * 1000;
  const runner = /\.m?js$/i.test(executable)
    ? new ProcessRunner({ command: process.execPath, prefixArgs: [path.resolve(executable)], timeoutMs })
    : new ProcessRunner({ command: executable, timeoutMs });
  return new BtsTaskGroup({
    runner,
    ...(options.server === undefined ? {} : { server: options.server }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(process.env['BIZTALKBACKUP_GAC_ROOT'] === undefined ? {} : { gacRoot: process.env['BIZTALKBACKUP_GAC_ROOT'] }),
  });
}
