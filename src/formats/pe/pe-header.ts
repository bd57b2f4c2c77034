// The PE/COFF header fields that say which processes can run or load an image: the COFF machine, PE32 or PE32+,
// and for .NET assemblies the CLI header's flags. Pure: bytes in, facts out; every read is bounds-checked.

/** COFF machine types (IMAGE_FILE_MACHINE_*). */
export const PE_MACHINE = { i386: 0x14c, amd64: 0x8664, arm64: 0xaa64 } as const;

export interface PeHeader {
  /** COFF machine: 0x14c i386, 0x8664 AMD64, 0xaa64 ARM64. */
  machine: number;
  pe32Plus: boolean;
  /** The CLI header's RVA; 0 for a native image. */
  cliRva: number;
}

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

const COMIMAGE_FLAGS_ILONLY = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED = 0x2;
const COMIMAGE_FLAGS_32BITPREFERRED = 0x20000;

interface Reader {
  u16: (at: number) => number | undefined;
  u32: (at: number) => number | undefined;
}

function reader(bytes: Uint8Array): Reader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u16: (at) => (at >= 0 && at + 2 <= bytes.length ? view.getUint16(at, true) : undefined),
    u32: (at) => (at >= 0 && at + 4 <= bytes.length ? view.getUint32(at, true) : undefined),
  };
}

interface Located extends PeHeader {
  sections: number;
  sectionTable: number;
}

function locate(r: Reader): Located | undefined {
  if (r.u16(0) !== 0x5a4d) return undefined;
  const pe = r.u32(0x3c);
  if (pe === undefined || r.u32(pe) !== 0x00004550) return undefined;
  const machine = r.u16(pe + 4);
  const sections = r.u16(pe + 6);
  const optionalSize = r.u16(pe + 20);
  const optional = pe + 24;
  const magic = r.u16(optional);
  if (machine === undefined || sections === undefined || optionalSize === undefined || (magic !== 0x10b && magic !== 0x20b)) return undefined;
  const pe32Plus = magic === 0x20b;
  const directories = optional + (pe32Plus ? 112 : 96);
  const directoryCount = r.u32(optional + (pe32Plus ? 108 : 92)) ?? 0;
  const cliRva = directoryCount > 14 ? (r.u32(directories + 14 * 8) ?? 0) : 0;
  return { machine, pe32Plus, cliRva, sections, sectionTable: optional + optionalSize };
}

/** The machine and format of any PE image (native or .NET); undefined when the bytes are not one. */
export function readPeHeader(bytes: Uint8Array): PeHeader | undefined {
  const found = locate(reader(bytes));
  return found === undefined ? undefined : { machine: found.machine, pe32Plus: found.pe32Plus, cliRva: found.cliRva };
}

/** undefined when the bytes are not a .NET PE image. */
export function readPeBitness(bytes: Uint8Array): PeBitness | undefined {
  const r = reader(bytes);
  const found = locate(r);
  if (found === undefined || found.cliRva === 0) return undefined;
  for (let i = 0; i < found.sections; i++) {
    const at = found.sectionTable + i * 40;
    const virtualSize = r.u32(at + 8);
    const virtualAddress = r.u32(at + 12);
    const rawPointer = r.u32(at + 20);
    if (virtualSize === undefined || virtualAddress === undefined || rawPointer === undefined) return undefined;
    if (found.cliRva >= virtualAddress && found.cliRva < virtualAddress + Math.max(virtualSize, 1)) {
      const flags = r.u32(rawPointer + (found.cliRva - virtualAddress) + 16);
      if (flags === undefined) return undefined;
      return {
        machine: found.machine,
        pe32Plus: found.pe32Plus,
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
  if (bitness.machine === PE_MACHINE.i386) return bitness.ilOnly || is32;
  if (bitness.pe32Plus) return !is32;
  return true;
}
