import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { SecretEntry } from '../../core/secrets.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { writeFileWhole } from '../write-file-whole.js';

/**
 * The secrets file: binding passwords a restore puts back in place of `******`, encrypted at rest.
 * A versioned JSON envelope: scrypt derives a 256-bit key from a passphrase and a random salt, AES-256-GCM encrypts
 * the entries with a random 96-bit IV, and the header (format, version, KDF parameters) is authenticated as AAD, so
 * a wrong passphrase or any change to the file fails as E_SECRETS_LOCKED. Values never leave memory otherwise.
 */
export const SECRETS_FORMAT = 'BizTalkBackup.Secrets';
export const SECRETS_VERSION = 1;
export const PASSPHRASE_ENV = 'BIZTALKBACKUP_SECRETS_PASSPHRASE';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt floor is N=2^17 r=8 p=1; 2^15 keeps a restore drill fast while costing an attacker 32 MiB per guess. */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 1 << 15, r: 8, p: 1 };

/**
 * The only KDF parameters a secrets file may carry: r=8, p=1 and N a power of two from 2^10 to 2^17. The parameters
 * come from the file, so anything else (N=2^20 r=32 costs 4 GiB, p=16 minutes) is refused before any work: opening a
 * file costs at most 128 MiB and a fraction of a second.
 */
export const ACCEPTED_SCRYPT = { minLog2N: 10, maxLog2N: 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const IV_BYTES = 12;
/** GCM's full tag: a shorter one would be accepted by OpenSSL unless the length is pinned (authTagLength). */
const TAG_BYTES = 16;
/** A secrets file holds a few hundred passwords at most; a bigger one is refused unread. */
export const MAX_SECRETS_FILE_BYTES = 4 * 1024 * 1024;

export function isAcceptedScrypt(params: { N: unknown; r: unknown; p: unknown }): params is ScryptParameters {
  const { N, r, p } = params;
  if (typeof N !== 'number' || !Number.isInteger(N) || r !== ACCEPTED_SCRYPT.r || p !== ACCEPTED_SCRYPT.p) return false;
  for (let log = ACCEPTED_SCRYPT.minLog2N; log <= ACCEPTED_SCRYPT.maxLog2N; log++) if (N === 2 ** log) return true;
  return false;
}

interface Envelope {
  format: typeof SECRETS_FORMAT;
  version: typeof SECRETS_VERSION;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCallback(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, 32, options, (error, key) => (error === null ? resolve(key) : reject(error))));
}

const headerOf = (envelope: Pick<Envelope, 'format' | 'version' | 'kdf'>): Buffer => Buffer.from(JSON.stringify({ format: envelope.format, version: envelope.version, kdf: envelope.kdf }), 'utf8');

export async function encryptSecrets(entries: readonly SecretEntry[], passphrase: string, params: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  requirePassphrase(passphrase);
  if (!isAcceptedScrypt(params)) throw unsupportedKdf('(new file)');
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const kdf = { name: 'scrypt' as const, N: params.N, r: params.r, p: params.p, salt: salt.toString('base64') };
  const key = await deriveKey(passphrase, salt, params);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(headerOf({ format: SECRETS_FORMAT, version: SECRETS_VERSION, kdf }));
    const plain = Buffer.from(JSON.stringify({ entries: entries.map(cleanEntry) }), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    const envelope: Envelope = {
      format: SECRETS_FORMAT,
      version: SECRETS_VERSION,
      kdf,
      cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') },
      ciphertext: ciphertext.toString('base64'),
    };
    return `${JSON.stringify(envelope, null, 2)}\n`;
  } finally {
    key.fill(0);
  }
}

export async function decryptSecrets(text: string, passphrase: string, source: string): Promise<SecretEntry[]> {
  const envelope = parseEnvelope(text, source);
  requirePassphrase(passphrase);
  const salt = strictBase64(envelope.kdf.salt);
  const iv = strictBase64(envelope.cipher.iv);
  const tag = strictBase64(envelope.cipher.tag);
  const ciphertext = strictBase64(envelope.ciphertext);
  // A cut or extended tag, or a changed salt or IV, is a changed file: refused before the KDF runs.
  if (salt?.length !== SALT_BYTES || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || ciphertext === undefined) throw locked(source);
  const key = await deriveKey(passphrase, salt, envelope.kdf);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(headerOf(envelope));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw locked(source, cause);
  } finally {
    key.fill(0);
  }
  try {
    const value = JSON.parse(plain.toString('utf8')) as unknown;
    const entries = (value as { entries?: unknown }).entries;
    if (!Array.isArray(entries)) throw new Error('entries missing');
    return entries.map((entry, index) => validateEntry(entry, source, index));
  } catch (cause) {
    if (cause instanceof BtsBackupError) throw cause;
    throw new BtsBackupError('E_INVALID_DATA', `The secrets file ${source} decrypted to something that is not a list of secrets.`, { target: source });
  } finally {
    plain.fill(0);
  }
}

export async function readSecretsFile(file: string, passphrase: string): Promise<SecretEntry[]> {
  let text: string;
  try {
    const size = (await fs.stat(file)).size;
    if (size > MAX_SECRETS_FILE_BYTES) throw invalid(file, `it is ${size} bytes, more than a secrets file ever holds (${MAX_SECRETS_FILE_BYTES})`);
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof BtsBackupError) throw cause;
    throw new BtsBackupError('E_USAGE', `The secrets file ${file} cannot be read.`, { target: file, cause, hint: hints.secretsFileUnreadable });
  }
  return decryptSecrets(text, passphrase, file);
}

/** Writes the file atomically (temp beside it, then rename), readable by its owner only. */
export async function writeSecretsFile(file: string, entries: readonly SecretEntry[], passphrase: string, params: ScryptParameters = DEFAULT_SCRYPT): Promise<void> {
  await writeFileWhole(file, await encryptSecrets(entries, passphrase, params), { mode: 0o600 });
}

export async function secretsFileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The passphrase: from a file (first line) or the BIZTALKBACKUP_SECRETS_PASSPHRASE variable. Never from the command
 * line, where other users and process listings would see it.
 */
export async function resolvePassphrase(options: { passphraseFile?: string | undefined; env?: NodeJS.ProcessEnv }): Promise<string> {
  if (options.passphraseFile !== undefined) {
    let text: string;
    try {
      text = await fs.readFile(options.passphraseFile, 'utf8');
    } catch (cause) {
      throw new BtsBackupError('E_USAGE', `The passphrase file ${options.passphraseFile} cannot be read.`, { target: options.passphraseFile, cause });
    }
    const line = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/)[0] ?? '';
    requirePassphrase(line);
    return line;
  }
  const fromEnv = (options.env ?? process.env)[PASSPHRASE_ENV];
  if (fromEnv === undefined || fromEnv === '') {
    throw new BtsBackupError('E_SECRETS_LOCKED', 'No passphrase for the secrets file.', {
      hint: hints.secretsPassphrase,
    });
  }
  return fromEnv;
}

function requirePassphrase(passphrase: string): void {
  if (passphrase.length < 8) {
    throw new BtsBackupError('E_SECRETS_LOCKED', 'The secrets passphrase is too short (at least 8 characters).', { hint: 'Choose a longer passphrase.' });
  }
}

function parseEnvelope(text: string, source: string): Envelope {
  if (text.length > MAX_SECRETS_FILE_BYTES) throw invalid(source, 'it is larger than a secrets file ever is');
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw invalid(source, 'it is not JSON', cause);
  }
  const v = value as Partial<Envelope> | null;
  if (v === null || typeof v !== 'object' || v.format !== SECRETS_FORMAT) throw invalid(source, 'it is not a BizTalkBackup secrets file');
  if (v.version !== SECRETS_VERSION) {
    throw new BtsBackupError('E_UNSUPPORTED', `The secrets file ${source} has version ${String(v.version)}; this BizTalkBackup reads ${SECRETS_VERSION}.`, { target: source });
  }
  const kdf = v.kdf;
  if (kdf === null || typeof kdf !== 'object' || typeof kdf.salt !== 'string') throw invalid(source, 'its key derivation parameters are missing');
  if (kdf.name !== 'scrypt' || !isAcceptedScrypt(kdf)) throw unsupportedKdf(source);
  if (v.cipher?.name !== 'aes-256-gcm' || typeof v.cipher.iv !== 'string' || typeof v.cipher.tag !== 'string' || typeof v.ciphertext !== 'string') throw invalid(source, 'its cipher fields are missing');
  return v as Envelope;
}

/** Base64 as this tool writes it, nothing else: Buffer.from skips stray characters and ignores padding bits, so a changed character could decode to the same bytes. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function locked(source: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_SECRETS_LOCKED', `The secrets file ${source} cannot be opened: wrong passphrase, or the file was changed.`, {
    target: source,
    hint: hints.secretsWrongPassphrase,
    ...(cause === undefined ? {} : { cause }),
  });
}

function unsupportedKdf(source: string): BtsBackupError {
  return new BtsBackupError('E_UNSUPPORTED', `The secrets file ${source} asks for key derivation parameters this BizTalkBackup does not use.`, {
    target: source,
    hint: {
      cli: `Only scrypt with r=${ACCEPTED_SCRYPT.r}, p=${ACCEPTED_SCRYPT.p} and N from 2^${ACCEPTED_SCRYPT.minLog2N} to 2^${ACCEPTED_SCRYPT.maxLog2N} is opened; recreate the file with \`btsbackup secrets set\`.`,
      ps: `Only scrypt with r=${ACCEPTED_SCRYPT.r}, p=${ACCEPTED_SCRYPT.p} and N from 2^${ACCEPTED_SCRYPT.minLog2N} to 2^${ACCEPTED_SCRYPT.maxLog2N} is opened; recreate the file with \`Set-BtsAppSecret\`.`,
    },
  });
}

function validateEntry(entry: unknown, source: string, index: number): SecretEntry {
  const e = entry as Record<string, unknown> | null;
  if (e === null || typeof e !== 'object' || typeof e['port'] !== 'string' || typeof e['field'] !== 'string' || typeof e['value'] !== 'string') {
    throw new BtsBackupError('E_INVALID_DATA', `Entry ${index} of the secrets file ${source} is malformed.`, { target: source });
  }
  return cleanEntry(e as unknown as SecretEntry);
}

function cleanEntry(e: SecretEntry): SecretEntry {
  return {
    ...(typeof e.application === 'string' && e.application !== '' ? { application: e.application } : {}),
    port: e.port,
    ...(typeof e.location === 'string' && e.location !== '' ? { location: e.location } : {}),
    field: e.field,
    value: e.value,
  };
}

function invalid(source: string, problem: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `The secrets file ${source} is invalid: ${problem}.`, { target: source, cause });
}
