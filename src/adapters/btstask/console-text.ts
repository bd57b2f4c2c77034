import iconv from 'iconv-lite';

/**
 * Text that Windows console programs write into a pipe. A .NET Framework program (BTSTask) and reg.exe write
 * redirected output in the console's code page, which is the system's OEM code page unless someone ran `chcp`:
 * 437 in the US, 850 on a German or French server (`Süd` arrives as `S\x81d`), 866 on a Russian one, 932/936/949/950
 * in East Asia. `TextDecoder` knows none of the OEM pages; iconv-lite does.
 */
export const UTF8_CODE_PAGE = 65001;

/** Whether iconv-lite can decode this Windows code page. */
export function isKnownCodePage(codePage: number): boolean {
  return codePage === UTF8_CODE_PAGE || (Number.isInteger(codePage) && codePage > 0 && iconv.encodingExists(`cp${codePage}`));
}

/**
 * Decodes console output. `codePage` undefined (no Windows, nothing known) or 65001 means UTF-8. Otherwise the bytes
 * are decoded in that code page, except when they are well-formed UTF-8 holding at least one multi-byte sequence:
 * that is what a console switched to `chcp 65001`, or a node stand-in, writes, and OEM text practically never forms
 * valid UTF-8 sequences (`S\x81d` does not).
 */
export function decodeConsoleText(bytes: Uint8Array, codePage: number | undefined): string {
  const text = stripBom(bytes);
  if (codePage === undefined || codePage === UTF8_CODE_PAGE || !isKnownCodePage(codePage)) return Buffer.from(text).toString('utf8');
  if (isMultiByteUtf8(text)) return Buffer.from(text).toString('utf8');
  return iconv.decode(Buffer.from(text), `cp${codePage}`);
}

/** Encodes text the way a console program writing in `codePage` does: characters the page lacks become `?`. */
export function encodeConsoleText(text: string, codePage: number | undefined): Buffer {
  if (codePage === undefined || codePage === UTF8_CODE_PAGE) return Buffer.from(text, 'utf8');
  return iconv.encode(text, `cp${codePage}`);
}

function stripBom(bytes: Uint8Array): Uint8Array {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isMultiByteUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
