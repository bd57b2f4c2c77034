import { formatAssemblyName, isPlatformAssembly } from './assembly-name.js';
import type { AssemblyIdentity } from './model.js';

/**
 * The assemblies an application needs that no MSI carries: referenced by one of its assemblies (or by a DLL
 * already harvested), not from .NET or BizTalk, and not a resource of any application in the group. Pure.
 */
export function findUnpackagedReferences(
  references: readonly AssemblyIdentity[],
  packagedAssemblies: ReadonlySet<string>,
  alreadyHarvested: ReadonlySet<string>,
): string[] {
  const out = new Set<string>();
  for (const reference of references) {
    if (isPlatformAssembly(reference)) continue;
    const fullName = formatAssemblyName(reference);
    const key = fullName.toLowerCase();
    if (packagedAssemblies.has(key) || alreadyHarvested.has(key)) continue;
    out.add(fullName);
  }
  return [...out].sort();
}
