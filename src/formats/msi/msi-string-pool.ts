// The MSI string pool: `_StringPool` holds a header (codepage in the low bits, 0x80000000 = string
// references are 3 bytes wide) then one (length, refcount) pair of uint16 per string; a string longer than
// 65535 bytes takes two pairs, (0, length >> 16) then (length & 0xffff, refcount). `_StringData` is the
// concatenated string bytes in the database codepage. String index 0 means null; strings count from 1.
import { BtsBackupError } from '../../errors/index.js';

const LONG_REFS_FLAG = 0x80000000;

export const CODEPAGE_UTF8 = 65001;
export const CODEPAGE_WINDOWS_1252 = 1252;

let windows1252Encoding: Map<number, number> | undefined;

function windows1252Map(): Map<number, number> {
  if (windows1252Encoding === undefined) {
    const decoder = new TextDecoder('windows-1252');
    windows1252Encoding = new Map();
    for (let b = 0; b < 256; b++) {
      const text = decoder.decode(new Uint8Array([b]));
      if (text.length === 1 && text !== '\ufffd') windows1252Encoding.set(text.charCodeAt(0), b);
    }
  }
  return windows1252Encoding;
}

/** 1252 when every string fits in it (what Windows tools write for Western names), else UTF-8. */
export function chooseCodepage(strings: Iterable<string>): number {
  const map = windows1252Map();
  for (const text of strings) {
    for (let i = 0; i < text.length; i++) if (!map.has(text.charCodeAt(i))) return CODEPAGE_UTF8;
  }
  return CODEPAGE_WINDOWS_1252;
}

export function encodeInCodepage(text: string, codepage: number): Uint8Array {
  if (codepage === CODEPAGE_UTF8) return new TextEncoder().encode(text);
  if (codepage === CODEPAGE_WINDOWS_1252 || codepage === 0) {
    const map = windows1252Map();
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const b = map.get(text.charCodeAt(i));
      if (b === undefined) throw new RangeError(`character U+${text.charCodeAt(i).toString(16)} does not fit codepage ${codepage}`);
      out[i] = b;
    }
    return out;
  }
  throw new RangeError(`cannot encode to codepage ${codepage}`);
}

const decoders = new Map<number, TextDecoder>();

export function decodeFromCodepage(bytes: Uint8Array, codepage: number, source: string): string {
  let decoder = decoders.get(codepage);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(codepageLabel(codepage));
    } catch (cause) {
      throw new BtsBackupError('E_INVALID_DATA', `${source} uses codepage ${codepage}, which BizTalkBackup cannot decode.`, {
        target: source,
        hint: 'BizTalk writes packages in a Windows codepage or UTF-8; the file may be damaged.',
        cause,
      });
    }
    decoders.set(codepage, decoder);
  }
  return decoder.decode(bytes);
}

const CODEPAGE_LABELS: Record<number, string> = {
  0: 'windows-1252', // "neutral": Windows tools write ASCII; read it as 1252
  [CODEPAGE_UTF8]: 'utf-8',
  20127: 'us-ascii',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  28591: 'iso-8859-1',
};

function codepageLabel(codepage: number): string {
  return CODEPAGE_LABELS[codepage] ?? `windows-${codepage}`;
}

export interface StringPool {
  codepage: number;
  longRefs: boolean;
  /** strings[0] is the null string; strings[i] is string index i. */
  strings: string[];
}

export interface EncodedStringPool {
  pool: Uint8Array;
  data: Uint8Array;
}

/** `strings` without the null entry: string index i is strings[i - 1]. */
export function encodeStringPool(strings: string[], refcounts: number[], codepage: number, longRefs: boolean): EncodedStringPool {
  const encoded = strings.map((s) => encodeInCodepage(s, codepage));
  const pairs: number[] = [];
  encoded.forEach((bytes, index) => {
    const refcount = Math.min(refcounts[index] ?? 0, 0xffff);
    if (bytes.length > 0xffff) pairs.push(0, bytes.length >>> 16);
    pairs.push(bytes.length & 0xffff, refcount);
  });
  const pool = new Uint8Array(4 + pairs.length * 2);
  const view = new DataView(pool.buffer);
  view.setUint32(0, (codepage | (longRefs ? LONG_REFS_FLAG : 0)) >>> 0, true);
  pairs.forEach((value, index) => view.setUint16(4 + index * 2, value, true));
  const data = new Uint8Array(encoded.reduce((sum, b) => sum + b.length, 0));
  let offset = 0;
  for (const bytes of encoded) {
    data.set(bytes, offset);
    offset += bytes.length;
  }
  return { pool, data };
}

export function decodeStringPool(pool: Uint8Array, data: Uint8Array, source: string): StringPool {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} has a corrupt string pool: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged; export the application again.',
    });
  if (pool.length < 4 || pool.length % 4 !== 0) throw fail(`_StringPool is ${pool.length} bytes long`);
  const view = new DataView(pool.buffer, pool.byteOffset, pool.byteLength);
  const header = view.getUint32(0, true);
  const longRefs = (header & LONG_REFS_FLAG) !== 0;
  const codepage = header & 0xffff;
  const strings: string[] = [''];
  let offset = 0;
  for (let p = 4; p < pool.length; p += 4) {
    let length = view.getUint16(p, true);
    const refcount = view.getUint16(p + 2, true);
    if (length === 0 && refcount !== 0) {
      // Long string: this pair holds the high 16 bits, the next pair the low bits and the refcount.
      p += 4;
      if (p >= pool.length) throw fail('a long string entry is cut off');
      length = refcount * 0x10000 + view.getUint16(p, true);
    }
    if (offset + length > data.length) throw fail('_StringData is shorter than _StringPool says');
    strings.push(decodeFromCodepage(data.subarray(offset, offset + length), codepage, source));
    offset += length;
  }
  if (offset !== data.length) throw fail(`_StringData has ${data.length - offset} bytes that no string claims`);
  return { codepage, longRefs, strings };
}
