import test from 'ava';
import type { BtsTaskRunner, ProcessRun } from '../../../src/adapters/btstask/btstask-runner.js';
import { decodeConsoleText, encodeConsoleText } from '../../../src/adapters/btstask/console-text.js';
import { BIZTALK_REGISTRY_KEY, findBtsTask } from '../../../src/adapters/btstask/find-btstask.js';
import { btsTaskConsoleCodePage, CODE_PAGE_KEY, expandEnvironmentStrings, parseOemCodePage, parseRegQuery, registryString, systemOemCodePage } from '../../../src/adapters/btstask/windows-registry.js';

// What `reg query HKLM\SYSTEM\CurrentControlSet\Control\Nls\CodePage /v OEMCP` prints on a German server.
const OEMCP_OUTPUT = '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    850\r\n\r\n';

test('parseOemCodePage reads OEMCP from reg.exe output; missing or unknown pages give undefined', (t) => {
  t.is(parseOemCodePage(OEMCP_OUTPUT), 850);
  t.is(parseOemCodePage(OEMCP_OUTPUT.replace('850', '437')), 437);
  t.is(parseOemCodePage(OEMCP_OUTPUT.replace('850', '99999')), undefined);
  t.is(parseOemCodePage('FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n'), undefined);
});

test('parseRegQuery: type and data; REG_EXPAND_SZ is expanded with the environment, names without case', (t) => {
  const out = `\r\n${BIZTALK_REGISTRY_KEY}\r\n    InstallPath    REG_EXPAND_SZ    %ProgramFiles(x86)%\\Microsoft BizTalk Server\\\r\n\r\n`;
  const value = parseRegQuery(out, 'installpath');
  t.deepEqual(value, { type: 'REG_EXPAND_SZ', data: '%ProgramFiles(x86)%\\Microsoft BizTalk Server\\' });
  t.is(registryString(value, { 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' }), 'C:\\Program Files (x86)\\Microsoft BizTalk Server\\');
  t.is(registryString({ type: 'REG_SZ', data: '%NotExpanded%' }, { NotExpanded: 'x' }), '%NotExpanded%');
  t.is(registryString({ type: 'REG_DWORD', data: '0x1' }, {}), undefined);
  t.is(expandEnvironmentStrings('%SystemRoot%\\x;%UNKNOWN%;100%', { SYSTEMROOT: 'C:\\Windows' }), 'C:\\Windows\\x;%UNKNOWN%;100%');
});

class FakeReg implements BtsTaskRunner {
  readonly calls: string[][] = [];
  constructor(private readonly answer: (args: readonly string[]) => { exitCode: number; stdout: string }) {}
  async run(args: readonly string[]): Promise<ProcessRun> {
    this.calls.push([...args]);
    return { argv: [...args], pid: 1, ...this.answer(args), stderr: '', durationMs: 1 };
  }
}

test('findBtsTask expands a REG_EXPAND_SZ InstallPath and reads a non-ASCII path decoded from OEM 850', async (t) => {
  // reg.exe writes in the OEM code page: the bytes of "Süd" in 850, decoded as the runner does.
  const raw = encodeConsoleText(`\r\n${BIZTALK_REGISTRY_KEY}\r\n    InstallPath    REG_EXPAND_SZ    %BTS_ROOT%\\BizTalk Süd\\\r\n\r\n`, 850);
  const reg = new FakeReg(() => ({ exitCode: 0, stdout: decodeConsoleText(raw, 850) }));
  const found = await findBtsTask({ platform: 'win32', reg, env: { bts_root: 'D:\\Programme' }, fileExists: async (f) => f === 'D:\\Programme\\BizTalk Süd\\BTSTask.exe' });
  t.is(found, 'D:\\Programme\\BizTalk Süd\\BTSTask.exe');
});

test('findBtsTask refuses a .cmd/.bat even when it exists (E_BTSTASK_SCRIPT, not E_BTSTASK_NOT_FOUND)', async (t) => {
  const error = await t.throwsAsync(findBtsTask({ explicitPath: 'C:\\Deploy\\BTSTask.cmd', fileExists: async () => true }));
  t.is((error as { code?: string }).code, 'E_BTSTASK_SCRIPT');
});

test('the OEM code page is read with reg.exe from the Nls key; an override in the environment wins', async (t) => {
  const reg = new FakeReg((args) => ({ exitCode: args[1] === CODE_PAGE_KEY ? 0 : 1, stdout: OEMCP_OUTPUT }));
  t.is(await systemOemCodePage(reg, 'win32'), 850);
  t.deepEqual(reg.calls, [['query', CODE_PAGE_KEY, '/v', 'OEMCP']]);
  t.is(await systemOemCodePage(undefined, 'linux'), undefined);
  t.is(btsTaskConsoleCodePage({ BIZTALKBACKUP_BTSTASK_CODEPAGE: '65001' }, 'win32'), 65001);
  t.is(btsTaskConsoleCodePage({ BIZTALKBACKUP_BTSTASK_CODEPAGE: '850' }, 'linux'), 850);
  t.is(btsTaskConsoleCodePage({}, 'linux'), undefined);
  t.is(typeof btsTaskConsoleCodePage({ BIZTALKBACKUP_BTSTASK_CODEPAGE: 'bogus' }, 'win32'), 'function');
});
