import test from 'ava';
import type { BtsTaskRunner, ProcessRun } from '../../../src/adapters/btstask/btstask-runner.js';
import { BIZTALK_REGISTRY_KEY, findBtsTask, parseRegQueryValue } from '../../../src/adapters/btstask/find-btstask.js';

// The layout `reg query <key> /v <value>` prints.
const regOutput = (value: string, data: string): string => `\r\n${BIZTALK_REGISTRY_KEY}\r\n    ${value}    REG_SZ    ${data}\r\n\r\n`;

test('parseRegQueryValue reads a REG_SZ with spaces and parentheses in it', (t) => {
  t.is(parseRegQueryValue(regOutput('InstallPath', 'C:\\Program Files (x86)\\Microsoft BizTalk Server\\'), 'InstallPath'), 'C:\\Program Files (x86)\\Microsoft BizTalk Server\\');
  t.is(parseRegQueryValue(regOutput('installpath', 'D:\\BTS'), 'InstallPath'), 'D:\\BTS');
  t.is(parseRegQueryValue(regOutput('ProductVersion', '3.13.717.0'), 'InstallPath'), undefined);
  t.is(parseRegQueryValue('ERROR: The system was unable to find the specified registry key or value.\r\n', 'InstallPath'), undefined);
});

class FakeReg implements BtsTaskRunner {
  readonly calls: string[][] = [];
  constructor(private readonly answers: Record<string, { exitCode: number; stdout: string }>) {}
  async run(args: readonly string[]): Promise<ProcessRun> {
    this.calls.push([...args]);
    const answer = this.answers[args[args.length - 1] ?? ''] ?? { exitCode: 1, stdout: '' };
    return { argv: [...args], pid: 1, exitCode: answer.exitCode, stdout: answer.stdout, stderr: '', durationMs: 1 };
  }
}

test('findBtsTask on Windows: InstallPath from the 32-bit registry view when the 64-bit one lacks it', async (t) => {
  const reg = new FakeReg({ '/reg:32': { exitCode: 0, stdout: regOutput('InstallPath', 'C:\\Program Files (x86)\\Microsoft BizTalk Server\\') } });
  const seen: string[] = [];
  const found = await findBtsTask({ platform: 'win32', reg, fileExists: async (f) => (seen.push(f), f.endsWith('Server\\BTSTask.exe')) });
  t.is(found, 'C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe');
  t.deepEqual(reg.calls.map((c) => c.slice(0, 4)), [
    ['query', BIZTALK_REGISTRY_KEY, '/v', 'InstallPath'],
    ['query', BIZTALK_REGISTRY_KEY, '/v', 'InstallPath'],
  ]);
});

test('findBtsTask: no registry value, or a value whose folder has no BTSTask.exe -> E_BTSTASK_NOT_FOUND', async (t) => {
  const none = await t.throwsAsync(findBtsTask({ platform: 'win32', reg: new FakeReg({}), fileExists: async () => true }));
  t.is((none as { code?: string }).code, 'E_BTSTASK_NOT_FOUND');
  const reg = new FakeReg({ '/reg:64': { exitCode: 0, stdout: regOutput('InstallPath', 'C:\\BTS\\') } });
  const missing = await t.throwsAsync(findBtsTask({ platform: 'win32', reg, fileExists: async () => false }));
  t.is((missing as { code?: string }).code, 'E_BTSTASK_NOT_FOUND');
});

test('findBtsTask: an explicit path wins when it exists, fails when it does not; off Windows it needs one', async (t) => {
  t.is(await findBtsTask({ explicitPath: '/opt/bts/BTSTask.exe', fileExists: async () => true }), '/opt/bts/BTSTask.exe');
  const error = await t.throwsAsync(findBtsTask({ explicitPath: '/opt/bts/BTSTask.exe', fileExists: async () => false }));
  t.is((error as { code?: string }).code, 'E_BTSTASK_NOT_FOUND');
  const linux = await t.throwsAsync(findBtsTask({ platform: 'linux' }));
  t.is((linux as { code?: string }).code, 'E_BTSTASK_NOT_FOUND');
});
