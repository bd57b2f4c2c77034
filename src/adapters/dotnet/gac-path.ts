import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAssemblyName } from '../../core/assembly-name.js';

/** The path of an assembly in a .NET 4 GAC folder: <root>\GAC_MSIL\Name\v4.0_Version_Culture_Token\Name.dll (GAC_32/GAC_64 alike). */
export function gacPath(gacRoot: string, fullName: string, architecture: 'GAC_MSIL' | 'GAC_32' | 'GAC_64' = 'GAC_MSIL'): string {
  const id = parseAssemblyName(fullName);
  const culture = id.culture === 'neutral' ? '' : id.culture;
  return path.join(gacRoot, architecture, id.name, `v4.0_${id.version}_${culture}_${id.publicKeyToken ?? ''}`, `${id.name}.dll`);
}

/** The .NET 4 GAC of this Windows machine, or undefined elsewhere (a back end then needs its GAC folder named). */
export function defaultGacRoot(): string | undefined {
  return process.platform === 'win32' ? path.join(process.env['WINDIR'] ?? 'C:\\Windows', 'Microsoft.NET', 'assembly') : undefined;
}

/** The assembly's file in a .NET 4 GAC folder (GAC_MSIL, then GAC_32, GAC_64), or undefined. */
export async function locateInGac(gacRoot: string, fullName: string): Promise<string | undefined> {
  for (const bucket of ['GAC_MSIL', 'GAC_32', 'GAC_64'] as const) {
    const file = gacPath(gacRoot, fullName, bucket);
    try {
      await fs.access(file);
      return file;
    } catch {
      // Not in this bucket.
    }
  }
  return undefined;
}
