import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatAssemblyName } from '../../core/assembly-name.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { inspectFile } from '../../usecases/inspect-file.js';
import type { CliCommand } from '../command.js';
import { formatTable, type Output } from '../output.js';

/** What a backed-up MSI or DLL holds, read offline (no BizTalk needed). */
export async function runInspect(args: { path: string }, out: Output): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(args.path));
  } catch (cause) {
    throw new BtsBackupError('E_USAGE', `Cannot read ${args.path}.`, { target: args.path, cause, hint: 'Name an existing .msi or .dll file.' });
  }
  const result = inspectFile(bytes, path.basename(args.path));
  const { kind: fileKind, ...fields } = result;
  out.result('InspectResult', { path: path.resolve(args.path), fileKind, ...fields });
  if (result.kind === 'assembly') {
    out.text(`${result.fileName}: ${formatAssemblyName(result.identity)}${result.isBizTalkAssembly ? ' (BizTalk assembly)' : ''}`);
    if (result.targetFramework !== undefined) out.text(`  target framework: ${result.targetFramework}`);
    out.text('  references:');
    for (const ref of result.references) out.text(`    ${formatAssemblyName(ref)}`);
  } else {
    out.text(`${result.fileName}: BizTalk application package for "${result.application}"`);
    out.text(`  exported by ${result.author}${result.created === undefined ? '' : ` on ${result.created}`}, revision ${result.revision}`);
    out.text(`  references: ${result.references.join(', ') || '(none)'}`);
    out.text('');
    out.text(formatTable(result.resources.map((r) => ({ ...r, type: r.type.replace(/^System\.BizTalk:/, ''), files: r.files.map((f) => `${f.path.split('\\').pop() ?? f.path} (${f.size} B)`) })), [
      { key: 'type', title: 'Type' },
      { key: 'luid', title: 'LUID', max: 70 },
      { key: 'files', title: 'Files', max: 60 },
    ]));
    for (const binding of result.bindings) {
      out.text(binding.problem === undefined ? `  bindings ${binding.luid}: ${binding.sendPorts ?? 0} send port(s), ${binding.receiveLocations ?? 0} receive location(s)` : `  bindings ${binding.luid}: unreadable (${binding.problem})`);
    }
    for (const masked of result.maskedPasswords) out.text(`  masked password: ${masked.portKind} "${masked.port}", ${masked.location}/${masked.field}`);
    for (const clear of result.clearSecrets) out.text(`  CLEAR-TEXT secret (${clear.rule}): ${clear.file} -> ${clear.key}`);
  }
  out.summary('inspect', 0, { resources: result.kind === 'msi' ? result.resources.length : 0 }, { kind: result.kind });
  return 0;
}

export const inspectCommand: CliCommand = {
  command: 'inspect [path]',
  describe: 'Show what a backed-up MSI or DLL holds, offline',
  builder: (y) => y.positional('path', { type: 'string', describe: 'An .msi exported by BizTalk, or a .dll (or "path" in --request)' }),
  run: (a, o) => {
    if (typeof a['path'] !== 'string' || a['path'] === '') {
      throw new BtsBackupError('E_USAGE', 'inspect needs the file to read.', { hint: hints.inspectUsage });
    }
    return runInspect({ path: a['path'] }, o);
  },
};
