import { findMaskedPasswords, injectSecrets, redactBindingSecrets, secretKey, type SecretLocation } from './binding-secrets.js';
import { findSecretSpans, isSecretValue, MASK, replaceSpans } from './secret-rules.js';

/** A secret the export removed from a file before storing it. Says where, never what. */
export interface Redaction {
  /** The file inside the package, or the artifact name. */
  file: string;
  kind: 'BindingPassword' | 'ConnectionStringPassword' | 'UrlPassword' | 'QueryStringSecret' | 'AppSettingSecret' | 'ConfigElementSecret' | 'JsonPropertySecret';
  /** Where it belongs, with the secrets key a restore looks it up by (`port|location|field`). */
  location?: SecretLocation;
  /** The rule of the secrets table (secret-rules.ts) that found it. */
  rule?: string;
}

/** `latin1` stands for a legacy code page: every byte one character, so masking changes only the secret's bytes. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  bom: boolean;
}

/**
 * Decodes a text file as it will be written back: by BOM (UTF-8, UTF-16 LE/BE), else by the shape of an XML
 * declaration (`<?` as UTF-16), else by where the zero bytes of UTF-16 text fall; else UTF-8. Undefined for a
 * binary file.
 */
export function decodeTextFile(bytes: Uint8Array): DecodedText | undefined {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return utf8(b.subarray(3), true);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(b.subarray(2)), encoding: 'utf-16le', bom: true };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(b.subarray(2)), encoding: 'utf-16be', bom: true };
  if (b.length >= 4 && b[0] === 0x3c && b[1] === 0 && b[2] !== 0 && b[3] === 0) return { text: new TextDecoder('utf-16le').decode(b), encoding: 'utf-16le', bom: false };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] !== 0) return { text: new TextDecoder('utf-16be').decode(b), encoding: 'utf-16be', bom: false };
  if (!b.includes(0)) return utf8(b, false);
  // No BOM, no declaration: UTF-16 text of mostly ASCII has zeros at every other byte.
  const sample = Math.min(b.length - (b.length % 2), 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (pairs > 0 && oddZeros > pairs * 0.6 && evenZeros === 0) return { text: new TextDecoder('utf-16le').decode(b), encoding: 'utf-16le', bom: false };
  if (pairs > 0 && evenZeros > pairs * 0.6 && oddZeros === 0) return { text: new TextDecoder('utf-16be').decode(b), encoding: 'utf-16be', bom: false };
  return undefined;
}

function utf8(bytes: Uint8Array, bom: boolean): DecodedText | undefined {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom };
  } catch {
    // Not UTF-8: a legacy code page. Scanned as Latin-1 (every byte one character), so masking keeps every other byte.
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1', bom };
  }
}

/** Encodes text back into the file's own encoding and BOM. */
export function encodeTextFile(text: string, encoding: TextEncoding, bom: boolean): Uint8Array {
  let body: Uint8Array;
  if (encoding === 'utf-8') body = new TextEncoder().encode(text);
  else if (encoding === 'latin1') body = new Uint8Array(Buffer.from(text, 'latin1'));
  else {
    body = new Uint8Array(Buffer.from(text, 'utf16le'));
    if (encoding === 'utf-16be') for (let i = 0; i + 1 < body.length; i += 2) [body[i], body[i + 1]] = [body[i + 1] as number, body[i] as number];
  }
  const mark = !bom ? [] : encoding === 'utf-8' ? [0xef, 0xbb, 0xbf] : encoding === 'utf-16le' ? [0xff, 0xfe] : encoding === 'utf-16be' ? [0xfe, 0xff] : [];
  const out = new Uint8Array(mark.length + body.length);
  out.set(mark, 0);
  out.set(body, mark.length);
  return out;
}

const KIND_OF_RULE: Record<string, Redaction['kind']> = {
  'url-userinfo': 'UrlPassword',
  'query-string': 'QueryStringSecret',
  'connection-string': 'ConnectionStringPassword',
  'app-setting': 'AppSettingSecret',
  'config-element': 'ConfigElementSecret',
  'json-property': 'JsonPropertySecret',
};

/** The secrets key of a secret in a file that is not a binding: `file:<path>||<what>`. */
export function fileSecretLocation(file: string, sub: string): SecretLocation {
  return { port: `file:${file}`, field: sub };
}

const isBindingInfo = (text: string): boolean => /<BindingInfo[\s>]/.test(text);

/** The secrets a text file holds in the clear (BindingInfo by port, others by file), as spans of the file text. */
function fileSpans(text: string, file: string): { location: SecretLocation; rule: string; start: number; end: number; value: string }[] {
  return findSecretSpans(text, { appSettings: true }).map((span) => ({ location: fileSecretLocation(file, span.sub), rule: span.rule, start: span.start, end: span.end, value: span.value }));
}

/**
 * Removes clear-text secrets from a text file that is stored as part of a backup, by the secrets rule table
 * (secret-rules.ts): binding files (added binding files keep their passwords; addresses keep user-info), connection
 * strings, query strings, URLs and appSettings in any text file. Scanned in the file's own encoding (UTF-8, UTF-16
 * LE or BE, by BOM or declaration) and written back in it. Returns the new bytes, or undefined when there was
 * nothing to redact. Binary files are left alone.
 */
export function redactSecrets(bytes: Uint8Array, file: string): { bytes: Uint8Array; redactions: Redaction[] } | undefined {
  const decoded = decodeTextFile(bytes);
  if (decoded === undefined) return undefined;
  let text = decoded.text;
  const redactions: Redaction[] = [];
  if (isBindingInfo(text)) {
    const result = redactBindingSecrets(text, file);
    for (const [i, location] of result.redacted.entries()) {
      const rule = result.rules[i] ?? '';
      redactions.push({ file, kind: KIND_OF_RULE[rule] ?? 'BindingPassword', location, rule });
    }
    text = result.xml;
  }
  // A binding file is scanned by port (every transport's address and adapter properties), so each secret gets the
  // key ImportBindings looks it up by; other text files are scanned whole.
  const spans = isBindingInfo(text) ? [] : fileSpans(text, file).filter((s) => isSecretValue(s.value));
  for (const span of spans) redactions.push({ file, kind: KIND_OF_RULE[span.rule] ?? 'ConnectionStringPassword', location: span.location, rule: span.rule });
  text = replaceSpans(text, spans.map((s) => ({ start: s.start, end: s.end, text: MASK })));
  if (redactions.length === 0 || text === decoded.text) return undefined;
  return { bytes: encodeTextFile(text, decoded.encoding, decoded.bom), redactions };
}

/** Where a stored text file holds `******` that a restore must fill: binding secrets by port, others by file. */
export function findMaskedInFile(bytes: Uint8Array, file: string): SecretLocation[] {
  const decoded = decodeTextFile(bytes);
  if (decoded === undefined) return [];
  if (isBindingInfo(decoded.text)) return findMaskedPasswords(decoded.text, file);
  const found: SecretLocation[] = [];
  for (const span of fileSpans(decoded.text, file)) if (span.value.trim() === MASK) found.push(span.location);
  return found;
}

/** Where a text file holds a clear secret (inspect reports these: where, never the value). */
export function findClearInFile(bytes: Uint8Array, file: string): { location: SecretLocation; rule: string }[] {
  const decoded = decodeTextFile(bytes);
  if (decoded === undefined) return [];
  const out: { location: SecretLocation; rule: string }[] = [];
  if (isBindingInfo(decoded.text)) {
    const result = redactBindingSecrets(decoded.text, file);
    return result.redacted.map((location, i) => ({ location, rule: result.rules[i] ?? '' }));
  }
  for (const span of fileSpans(decoded.text, file)) if (isSecretValue(span.value)) out.push({ location: span.location, rule: span.rule });
  return out;
}

/**
 * Puts secrets back into a stored text file in place of `******`, in its own encoding: binding secrets by their
 * `port|location|field` key, others by `file:<path>||<what>`. Returns the bytes and the locations still masked.
 */
export function injectFileSecrets(bytes: Uint8Array, file: string, secrets: ReadonlyMap<string, string>): { bytes: Uint8Array; missing: SecretLocation[] } {
  const decoded = decodeTextFile(bytes);
  if (decoded === undefined) return { bytes, missing: [] };
  let text = decoded.text;
  const missing: SecretLocation[] = [];
  if (isBindingInfo(text)) {
    const injected = injectSecrets(text, file, secrets);
    return { bytes: injected.xml === text ? bytes : encodeTextFile(injected.xml, decoded.encoding, decoded.bom), missing: injected.missing };
  }
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const span of fileSpans(text, file)) {
    if (span.value.trim() !== MASK) continue;
    const value = secrets.get(secretKey(span.location));
    if (value === undefined) missing.push(span.location);
    else replacements.push({ start: span.start, end: span.end, text: value });
  }
  text = replaceSpans(text, replacements);
  return { bytes: text === decoded.text ? bytes : encodeTextFile(text, decoded.encoding, decoded.bom), missing };
}
