import { findClearPasswords, maskBindingPasswords, MASK, type SecretLocation } from './binding-secrets.js';
import { decodeText } from './parse-xml.js';

/** A secret the export removed from a file before storing it. Says where, never what. */
export interface Redaction {
  /** The file inside the package, or the artifact name. */
  file: string;
  /** `connection string` or the binding location. */
  kind: 'BindingPassword' | 'ConnectionStringPassword';
  location?: SecretLocation;
}

/** `Password=...;` / `Pwd=...` in connection strings, however they are embedded (plain text, XML, escaped XML). */
const CONNECTION_STRING_PASSWORD = /\b(password|pwd)(\s*=\s*)(?!\*{6})("[^"]*"|'[^']*'|[^;"'<&\r\n]*)/gi;

/**
 * Removes clear-text secrets from a text file that is stored as part of a backup: passwords in binding files (added
 * binding files keep them, BizTalk only masks the generated ones) and passwords in connection strings. Returns the
 * new bytes, or undefined when there was nothing to redact. Binary files are left alone.
 */
export function redactSecrets(bytes: Uint8Array, file: string): { bytes: Uint8Array; redactions: Redaction[] } | undefined {
  if (bytes.includes(0) && !(bytes[0] === 0xff && bytes[1] === 0xfe)) return undefined;
  const original = decodeText(bytes);
  let text = original;
  const redactions: Redaction[] = [];
  if (/<BindingInfo[\s>]/.test(text)) {
    for (const location of findClearPasswords(text, file)) redactions.push({ file, kind: 'BindingPassword', location });
    if (redactions.length > 0) text = maskBindingPasswords(text, file);
  }
  text = text.replace(CONNECTION_STRING_PASSWORD, (match: string, key: string, eq: string, value: string) => {
    if (value.trim() === '') return match;
    redactions.push({ file, kind: 'ConnectionStringPassword' });
    return `${key}${eq}${MASK}`;
  });
  if (redactions.length === 0 || text === original) return undefined;
  return { bytes: new TextEncoder().encode(text), redactions };
}
