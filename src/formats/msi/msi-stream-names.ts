// Windows Installer packs table and stream names into CFB directory names: pairs of characters from
// [0-9A-Za-z._] become one code unit in U+3800..U+47FF, a lone one becomes U+4800..U+483F, and table
// streams carry the U+4840 prefix. Anything else is stored as itself.

const TABLE_PREFIX = 0x4840;
export const SUMMARY_INFORMATION_STREAM = '\u0005SummaryInformation';

function toBase64(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 36;
  if (code === 0x2e) return 62;
  if (code === 0x5f) return 63;
  return -1;
}

function fromBase64(value: number): string {
  if (value < 10) return String.fromCharCode(0x30 + value);
  if (value < 36) return String.fromCharCode(0x41 + value - 10);
  if (value < 62) return String.fromCharCode(0x61 + value - 36);
  return value === 62 ? '.' : '_';
}

export function encodeStreamName(name: string, isTable: boolean): string {
  let out = isTable ? String.fromCharCode(TABLE_PREFIX) : '';
  for (let i = 0; i < name.length; i++) {
    const first = toBase64(name.charCodeAt(i));
    if (first < 0) {
      out += name[i];
      continue;
    }
    const second = i + 1 < name.length ? toBase64(name.charCodeAt(i + 1)) : -1;
    if (second >= 0) {
      out += String.fromCharCode(0x3800 + (second << 6) + first);
      i++;
    } else {
      out += String.fromCharCode(0x4800 + first);
    }
  }
  return out;
}

export interface DecodedStreamName {
  name: string;
  isTable: boolean;
}

export function decodeStreamName(raw: string): DecodedStreamName {
  let start = 0;
  let isTable = false;
  if (raw.charCodeAt(0) === TABLE_PREFIX) {
    isTable = true;
    start = 1;
  }
  let name = '';
  for (let i = start; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 0x3800 && code < 0x4800) {
      const value = code - 0x3800;
      name += fromBase64(value & 0x3f) + fromBase64(value >> 6);
    } else if (code >= 0x4800 && code < 0x4840) {
      name += fromBase64(code - 0x4800);
    } else {
      name += raw[i];
    }
  }
  return { name, isTable };
}
