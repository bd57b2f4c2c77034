import path from 'node:path';
import { parseAssemblyName } from '../../core/assembly-name.js';

/** The path of an assembly in a .NET 4 GAC folder: <root>\GAC_MSIL\Name\v4.0_Version_Culture_Token\Name.dll (GAC_32/GAC_64 alike). */
export function gacPath(gacRoot: string, fullName: string, architecture: 'GAC_MSIL' | 'GAC_32' | 'GAC_64' = 'GAC_MSIL'): string {
  const id = parseAssemblyName(fullName);
  const culture = id.culture === 'neutral' ? '' : id.culture;
  return path.join(gacRoot, architecture, id.name, `v4.0_${id.version}_${culture}_${id.publicKeyToken ?? ''}`, `${id.name}.dll`);
}
