import { BtsBackupError } from '../errors/index.js';
import type { AssemblyIdentity } from './model.js';

/** Parses `Name, Version=1.0.0.0, Culture=neutral, PublicKeyToken=abcdef0123456789`. */
export function parseAssemblyName(fullName: string): AssemblyIdentity {
  const parts = fullName.split(',').map((part) => part.trim());
  const name = parts[0] ?? '';
  if (name === '' || /[=\\/:*?"<>|]/.test(name)) {
    throw new BtsBackupError('E_INVALID_DATA', `"${fullName}" is not an assembly full name.`, {
      target: fullName,
      hint: 'An assembly full name looks like "Name, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef".',
    });
  }
  let version = '0.0.0.0';
  let culture = 'neutral';
  let publicKeyToken: string | null = null;
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'version') version = value;
    else if (key === 'culture') culture = value === '' ? 'neutral' : value;
    else if (key === 'publickeytoken') publicKeyToken = value.toLowerCase() === 'null' ? null : value.toLowerCase();
  }
  return { name, version, culture, publicKeyToken };
}

export function formatAssemblyName(identity: AssemblyIdentity): string {
  return `${identity.name}, Version=${identity.version}, Culture=${identity.culture}, PublicKeyToken=${identity.publicKeyToken ?? 'null'}`;
}

/** Assemblies that come with .NET or BizTalk itself: never harvested. */
export function isPlatformAssembly(identity: AssemblyIdentity): boolean {
  const name = identity.name.toLowerCase();
  return (
    name === 'mscorlib' ||
    name === 'netstandard' ||
    name === 'system' ||
    name.startsWith('system.') ||
    name.startsWith('microsoft.') ||
    name === 'microsoft.xlangs.basetypes' ||
    name.startsWith('microsoft.biztalk.') ||
    name.startsWith('microsoft.xlangs.')
  );
}
