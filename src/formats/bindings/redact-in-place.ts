// Redaction that keeps every byte but the secrets: for files inside an MSI, where "changed only where the secret
// is" is the promise (REAL-MSI.md). redactSecrets decides what is secret and records it; this puts the masks into
// the original text (same encoding, same byte order mark, same XML formatting and escaping) instead of a
// re-serialised document. When the text cannot be masked in place, it falls back to redactSecrets' bytes.
import { clearPasswordValues, findClearPasswords, MASK } from './binding-secrets.js';
import { redactSecrets, type Redaction } from './redact-secrets.js';

type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

function detect(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8-bom';
  return 'utf-8';
}

function decode(bytes: Uint8Array, encoding: TextEncoding): string | undefined {
  try {
    if (encoding === 'utf-16le') return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (encoding === 'utf-16be') return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(encoding === 'utf-8-bom' ? bytes.subarray(3) : bytes);
  } catch {
    return undefined;
  }
}

function encode(text: string, encoding: TextEncoding): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  if (encoding === 'utf-8-bom') return new TextEncoder().encode(`\ufeff${text}`);
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, encoding === 'utf-16le');
  for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), encoding === 'utf-16le');
  return out;
}

const escapeOnce = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Replaces `>value</` (at one, two or three levels of XML escaping), and a long value anywhere, with the mask. */
function maskValues(text: string, values: string[]): string {
  let out = text;
  for (const value of new Set(values)) {
    let open = '>';
    let close = '</';
    // Element text is escaped once more than the element's own tags.
    let escaped = escapeOnce(value);
    for (let level = 0; level < 4; level++) {
      if (level > 0) {
        open = escapeOnce(open);
        close = escapeOnce(close);
        escaped = escapeOnce(escaped);
      }
      out = out.split(`${open}${escaped}${close}`).join(`${open}${MASK}${close}`);
      // A secret inside a value (user-info, a connection string in an address): long enough to replace wherever it is.
      if (value.length >= 6) out = out.split(escaped).join(MASK);
    }
  }
  return out;
}

/** Like redactSecrets, but the result differs from `bytes` only where the secrets were. */
export function redactSecretsInPlace(bytes: Uint8Array, file: string): { bytes: Uint8Array; redactions: Redaction[] } | undefined {
  const result = redactSecrets(bytes, file);
  if (result === undefined) return undefined;
  const encoding = detect(bytes);
  const original = decode(bytes, encoding);
  if (original === undefined) return result;
  try {
    let text = original;
    if (/<BindingInfo[\s>]/.test(text)) text = maskValues(text, clearPasswordValues(text, file));
    // What is left are connection-string passwords: redactSecrets masks those in the text, without re-serialising.
    const rest = redactSecrets(new TextEncoder().encode(text), file);
    if (rest !== undefined) text = new TextDecoder().decode(rest.bytes);
    if (/<BindingInfo[\s>]/.test(text) && findClearPasswords(text, file).length > 0) return result;
    if (redactSecrets(new TextEncoder().encode(text), file) !== undefined) return result;
    return { bytes: encode(text, encoding), redactions: result.redactions };
  } catch {
    return result;
  }
}
