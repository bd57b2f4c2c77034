// Replaces files inside an existing cabinet and keeps the rest as it came: the other files' bytes, names,
// dates, times, attributes and order, the header's set ID and index, and the folder's compression (stored,
// MSZIP, or LZX with the same window and the same Intel E8 setting). The folder is compressed again.
import { BtsBackupError } from '../../errors/index.js';
import { readCabinet, readCabinetInfo } from './cab-reader.js';
import { buildCabinet, type CabinetCompression } from './cab-writer.js';

const HEADER_SIZE = 36;

/** How a cabinet's single folder is compressed, read from its header and first data block. */
export interface CabinetCompressionInfo {
  compression: CabinetCompression;
  lzxWindowBits?: number;
  lzxE8TranslationSize?: number;
}

export function readCabinetCompression(bytes: Uint8Array, source: string): CabinetCompressionInfo {
  const info = readCabinetInfo(bytes, source);
  const folder = info.folders[0];
  if (info.folders.length !== 1 || folder === undefined || info.reserved.header + info.reserved.folder + info.reserved.data > 0) {
    throw unsupported(source, 'it has several folders or reserved areas, which BizTalk never writes');
  }
  if (folder.compression === 'quantum') throw unsupported(source, 'its folder is Quantum-compressed');
  if (folder.compression !== 'lzx') return { compression: folder.compression };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(HEADER_SIZE, true);
  // The LZX stream starts with one bit (E8 translation on) and then the 32-bit translation size, MSB first in 16-bit words.
  let e8 = 0;
  if (folder.dataBlocks > 0 && dataOffset + 8 + 6 <= bytes.length) {
    const word = (k: number): number => view.getUint16(dataOffset + 8 + 2 * k, true);
    if ((word(0) & 0x8000) !== 0) {
      const bits = (BigInt(word(0)) << 32n) | (BigInt(word(1)) << 16n) | BigInt(word(2));
      e8 = Number((bits >> 15n) & 0xffffffffn);
    }
  }
  return { compression: 'lzx', lzxWindowBits: folder.lzxWindowBits!, lzxE8TranslationSize: e8 };
}

/**
 * Returns the cabinet with the named files' bytes replaced (names exactly as in the cabinet). Throws
 * E_INVALID_DATA for a damaged cabinet or a name it does not hold, E_UNSUPPORTED for a shape BizTalk never writes.
 */
export function replaceCabinetFiles(bytes: Uint8Array, replacements: ReadonlyMap<string, Uint8Array>, source: string): Uint8Array {
  const compression = readCabinetCompression(bytes, source);
  const info = readCabinetInfo(bytes, source);
  const entries = readCabinet(bytes, { source });
  for (const name of replacements.keys()) {
    if (!entries.some((entry) => entry.name === name)) {
      throw new BtsBackupError('E_INVALID_DATA', `${source} holds no file named ${JSON.stringify(name)}.`, {
        target: source,
        hint: 'The package changed while it was read; export the application again.',
      });
    }
  }
  // CFFILE date and time words as they are (a Date would normalise impossible values).
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = view.getUint32(16, true);
  const stamps: { date: number; time: number }[] = [];
  for (let i = 0; i < entries.length; i++) {
    stamps.push({ date: view.getUint16(pos + 10, true), time: view.getUint16(pos + 12, true) });
    pos = bytes.indexOf(0, pos + 16) + 1;
  }
  return buildCabinet(
    entries.map((entry, i) => ({
      name: entry.name,
      bytes: replacements.get(entry.name) ?? entry.bytes,
      dosDateTime: stamps[i]!,
      attributes: entry.attributes,
    })),
    {
      compression: compression.compression,
      ...(compression.lzxWindowBits === undefined ? {} : { lzxWindowBits: compression.lzxWindowBits }),
      ...(compression.lzxE8TranslationSize === undefined ? {} : { lzxE8TranslationSize: compression.lzxE8TranslationSize }),
      setId: info.setId,
      cabinetIndex: info.cabinetIndex,
    },
  );
}

function unsupported(source: string, problem: string): BtsBackupError {
  return new BtsBackupError('E_UNSUPPORTED', `${source} cannot be rewritten: ${problem}.`, {
    target: source,
    hint: 'BizTalk writes cabinets with one LZX or MSZIP folder; this package was made by something else.',
  });
}
