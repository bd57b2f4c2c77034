// BizTalk's own name hashes, as its deployment engine computes them (the algorithm is public: HashHelper.cs,
// HashAssemblyFullyQualifiedName and HashApplicationName, in the riha/BtsMsiLib repository). Reimplemented here
// from that description: MD5 over UTF-16LE text, read back as a .NET System.Guid (whose first three fields are
// little-endian, so its hex form swaps those bytes).
import { createHash } from 'node:crypto';
import { parseAssemblyName } from '../../core/assembly-name.js';

function utf16le(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

/** System.Guid(bytes).ToString("N"): Data1, Data2 and Data3 little-endian, the last eight bytes as they are. */
export function dotnetGuidHex(bytes: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(bytes.subarray(from, to));
    if (reverse) part.reverse();
    return part.map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return hex(0, 4, true) + hex(4, 6, true) + hex(6, 8, true) + hex(8, 16, false);
}

/** MD5 of the UTF-16LE name as a GUID's bytes (HashApplicationName, HashAssemblyName). */
export function hashName(name: string): Uint8Array {
  return new Uint8Array(createHash('md5').update(utf16le(name)).digest());
}

/**
 * HashAssemblyFullyQualifiedName: MD5 over the name hash's 16 bytes followed by the UTF-16LE text
 * `<version>-<public key token in lower-case hex>`; then for i in 0..8 byte 10 + i % 6 is XORed with byte i and
 * byte i is replaced by the name hash's byte i. The inner cabinet folder of an assembly is its lower-case "N" form.
 */
export function hashAssemblyFullyQualifiedName(assemblyName: string, versionAndToken: string): Uint8Array {
  const nameHash = hashName(assemblyName);
  const hash = new Uint8Array(createHash('md5').update(nameHash).update(utf16le(versionAndToken)).digest());
  for (let index = 0; index < 9; index++) {
    hash[10 + (index % 6)]! ^= hash[index]!;
    hash[index] = nameHash[index]!;
  }
  return hash;
}

/** The `<32 lower-case hex>` folder BizTalk gives an assembly resource inside its ITEM~n.CAB. */
export function assemblyFolderHash(fullName: string): string {
  const identity = parseAssemblyName(fullName);
  return dotnetGuidHex(hashAssemblyFullyQualifiedName(identity.name, `${identity.version}-${identity.publicKeyToken ?? ''}`));
}

/** `C__<32 upper-case hex>`: the key of the per-application component (HashApplicationName). */
export function applicationComponentHash(application: string): string {
  return dotnetGuidHex(hashName(application)).toUpperCase();
}
