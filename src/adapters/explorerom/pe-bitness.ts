import { promises as fs } from 'node:fs';

/**
 * Which processes can load a .NET assembly, from its PE and CLI headers alone (no loading: on CoreCLR, edge-js
 * overflows the stack when an assembly of the wrong bitness is loaded, so the adapter checks first).
 */
export interface PeBitness {
  /** COFF machine: 0x14c i386, 0x8664 AMD64, 0xaa64 ARM64. */
  machine: number;
  pe32Plus: boolean;
  ilOnly: boolean;
  /** COMIMAGE_FLAGS_32BITREQUIRED without 32BITPREFERRED: x86 only. */
  requires32Bit: boolean;
}

const IMAGE_FILE_MACHINE_I386 = 0x14c;
const COMIMAGE_FLAGS_ILONLY = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED = 0x2;
const COMIMAGE_FLAGS_32BITPREFERRED = 0x20000;

/** undefined when the bytes are not a .NET PE image. */
export function readPeBitness(bytes: Uint8Array): PeBitness | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number | undefined => (at + 2 <= bytes.length ? view.getUint16(at, true) : undefined);
  const u32 = (at: number): number | undefined => (at + 4 <= bytes.length ? view.getUint32(at, true) : undefined);
  if (u16(0) !== 0x5a4d) return undefined;
  const pe = u32(0x3c);
  if (pe === undefined || u32(pe) !== 0x00004550) return undefined;
  const machine = u16(pe + 4);
  const sections = u16(pe + 6);
  const optionalSize = u16(pe + 20);
  const optional = pe + 24;
  const magic = u16(optional);
  if (machine === undefined || sections === undefined || optionalSize === undefined || (magic !== 0x10b && magic !== 0x20b)) return undefined;
  const pe32Plus = magic === 0x20b;
  const directories = optional + (pe32Plus ? 112 : 96);
  const cliRva = u32(directories + 14 * 8);
  if (cliRva === undefined || cliRva === 0) return undefined;
  const sectionTable = optional + optionalSize;
  for (let i = 0; i < sections; i++) {
    const at = sectionTable + i * 40;
    const virtualSize = u32(at + 8);
    const virtualAddress = u32(at + 12);
    const rawPointer = u32(at + 20);
    if (virtualSize === undefined || virtualAddress === undefined || rawPointer === undefined) return undefined;
    if (cliRva >= virtualAddress && cliRva < virtualAddress + Math.max(virtualSize, 1)) {
      const flags = u32(rawPointer + (cliRva - virtualAddress) + 16);
      if (flags === undefined) return undefined;
      return {
        machine,
        pe32Plus,
        ilOnly: (flags & COMIMAGE_FLAGS_ILONLY) !== 0,
        requires32Bit: (flags & COMIMAGE_FLAGS_32BITREQUIRED) !== 0 && (flags & COMIMAGE_FLAGS_32BITPREFERRED) === 0,
      };
    }
  }
  return undefined;
}

/** Whether a process of `arch` (process.arch) can load the image. */
export function loadableIn(bitness: PeBitness, arch: string): boolean {
  const is32 = arch === 'ia32' || arch === 'arm';
  if (bitness.requires32Bit) return is32;
  if (bitness.machine === IMAGE_FILE_MACHINE_I386) return bitness.ilOnly || is32;
  if (bitness.pe32Plus) return !is32;
  return true;
}

export async function readPeBitnessOfFile(file: string): Promise<PeBitness | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 1 << 20);
    const bytes = new Uint8Array(length);
    await handle.read(bytes, 0, length, 0);
    return readPeBitness(bytes);
  } finally {
    await handle.close();
  }
}
