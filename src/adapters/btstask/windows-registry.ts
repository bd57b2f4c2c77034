import { isKnownCodePage } from './console-text.js';
import { ProcessRunner, type BtsTaskRunner } from './btstask-runner.js';

/**
 * Registry reads through reg.exe (no native module): `reg query <key> /v <value> [/reg:64|/reg:32]`. reg.exe writes
 * redirected output in the OEM code page, so its text is decoded in that page, which is itself read from the
 * registry once (`OEMCP` is digits, the same bytes in every OEM code page). `REG_EXPAND_SZ` data is expanded
 * (`%ProgramFiles(x86)%\...`) before use, as Windows does for its own readers.
 */
export const CODE_PAGE_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage';
/** Overrides the console code page BTSTask's output is decoded in (e.g. 65001 after `chcp 65001`, or 850 off Windows). */
export const CODE_PAGE_ENV = 'BIZTALKBACKUP_BTSTASK_CODEPAGE';

export interface RegistryValue {
  type: 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD' | 'REG_QWORD' | 'REG_BINARY' | 'REG_NONE';
  data: string;
}

const VALUE_LINE = /^\s+(.+?)\s{2,}(REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_DWORD|REG_QWORD|REG_BINARY|REG_NONE)(?:\s{2,}(.*))?$/;
const LOOSE_VALUE_LINE = /^\s+(\S+)\s+(REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_DWORD|REG_QWORD|REG_BINARY|REG_NONE)(?:\s+(.*))?$/;

/** The named value in `reg query` output (`    InstallPath    REG_SZ    C:\Program Files (x86)\...`). Pure. */
export function parseRegQuery(stdout: string, value: string): RegistryValue | undefined {
  for (const line of stdout.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line) ?? LOOSE_VALUE_LINE.exec(line);
    if (match !== null && (match[1] ?? '').trim().toLowerCase() === value.toLowerCase()) {
      return { type: match[2] as RegistryValue['type'], data: (match[3] ?? '').trim() };
    }
  }
  return undefined;
}

/**
 * `%NAME%` replaced by the environment variable (names compared without case, as on Windows); unknown names and
 * a lone `%` stay as they are, as ExpandEnvironmentStrings leaves them. Pure.
 */
export function expandEnvironmentStrings(text: string, env: NodeJS.ProcessEnv): string {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) if (value !== undefined) byName.set(name.toLowerCase(), value);
  return text.replace(/%([^%\r\n]+)%/g, (whole, name: string) => byName.get(name.toLowerCase()) ?? whole);
}

/** The data a program should use: REG_EXPAND_SZ expanded, REG_SZ as is; other types and empty data: undefined. */
export function registryString(value: RegistryValue | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (value === undefined || value.data === '') return undefined;
  if (value.type === 'REG_EXPAND_SZ') return expandEnvironmentStrings(value.data, env);
  return value.type === 'REG_SZ' ? value.data : undefined;
}

/** The OEM code page from `reg query ...\Nls\CodePage /v OEMCP` output, when it is one iconv-lite decodes. Pure. */
export function parseOemCodePage(stdout: string): number | undefined {
  const value = parseRegQuery(stdout, 'OEMCP');
  if (value === undefined || !/^\d+$/.test(value.data)) return undefined;
  const codePage = Number(value.data);
  return isKnownCodePage(codePage) ? codePage : undefined;
}

let oemCodePage: Promise<number | undefined> | undefined;

/** The server's OEM code page, read once per process (undefined off Windows or when reg.exe does not answer). */
export function systemOemCodePage(reg?: BtsTaskRunner, platform: NodeJS.Platform = process.platform): Promise<number | undefined> {
  if (platform !== 'win32' && reg === undefined) return Promise.resolve(undefined);
  if (reg !== undefined) return readOemCodePage(reg);
  oemCodePage ??= readOemCodePage(new ProcessRunner({ command: 'reg', timeoutMs: 15_000, platform }));
  return oemCodePage;
}

async function readOemCodePage(reg: BtsTaskRunner): Promise<number | undefined> {
  try {
    const run = await reg.run(['query', CODE_PAGE_KEY, '/v', 'OEMCP']);
    return run.exitCode === 0 ? parseOemCodePage(run.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The code page to decode BTSTask's console output in: BIZTALKBACKUP_BTSTASK_CODEPAGE when set to a known page,
 * else on Windows the OEM code page (looked up on the first call), else undefined (UTF-8).
 */
export function btsTaskConsoleCodePage(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): number | (() => Promise<number | undefined>) | undefined {
  const configured = env[CODE_PAGE_ENV];
  if (configured !== undefined && /^\d+$/.test(configured.trim()) && isKnownCodePage(Number(configured))) return Number(configured);
  return platform === 'win32' ? () => systemOemCodePage(undefined, platform) : undefined;
}

/** A reg.exe runner whose output is decoded in the OEM code page. */
export function regRunner(platform: NodeJS.Platform = process.platform): ProcessRunner {
  return new ProcessRunner({ command: 'reg', timeoutMs: 15_000, platform, consoleCodePage: () => systemOemCodePage(undefined, platform) });
}
