import test, { type ExecutionContext } from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SCRYPT, decryptSecrets, encryptSecrets, isAcceptedScrypt, MAX_SECRETS_FILE_BYTES, readSecretsFile, resolvePassphrase, writeSecretsFile } from '../../../src/adapters/secrets/secrets-file.js';
import { secretsForApplication, upsertSecret, type SecretEntry } from '../../../src/core/secrets.js';
import { secretKey } from '../../../src/formats/bindings/binding-secrets.js';
import { isBtsBackupError } from '../../../src/errors/index.js';
import { makeTempDir } from '../../support/cli.js';

const CANARY = 'Canary-7f3a9c1e-Pw!';
const FAST = { N: 1 << 10, r: 8, p: 1 };
const entries: SecretEntry[] = [{ application: 'Contoso.Billing', port: 'Billing.Send', field: 'AdapterConfig/password', value: CANARY }];

test('round trip through the encrypted envelope; the value is nowhere in the file', async (t) => {
  const dir = await makeTempDir('secrets');
  const file = path.join(dir, 'secrets.json');
  await writeSecretsFile(file, entries, 'a long passphrase', FAST);
  const text = await readFile(file, 'utf8');
  t.false(text.includes(CANARY));
  t.false(text.includes(Buffer.from(CANARY).toString('base64')));
  const envelope = JSON.parse(text) as { format: string; version: number; kdf: { name: string }; cipher: { name: string } };
  t.like(envelope, { format: 'BizTalkBackup.Secrets', version: 1, kdf: { name: 'scrypt' }, cipher: { name: 'aes-256-gcm' } });
  t.deepEqual(await readSecretsFile(file, 'a long passphrase'), entries);
});

test('a wrong passphrase is E_SECRETS_LOCKED', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const error = await t.throwsAsync(decryptSecrets(text, 'another passphrase', 'f'));
  t.true(isBtsBackupError(error) && error.code === 'E_SECRETS_LOCKED');
});

test('a changed ciphertext or header is E_SECRETS_LOCKED (authenticated)', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const envelope = JSON.parse(text) as { ciphertext: string; kdf: { N: number } };
  const bytes = Buffer.from(envelope.ciphertext, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  const flipped = JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') });
  const e1 = await t.throwsAsync(decryptSecrets(flipped, 'a long passphrase', 'f'));
  t.true(isBtsBackupError(e1) && e1.code === 'E_SECRETS_LOCKED');
  const header = JSON.parse(text) as { kdf: { N: number } };
  header.kdf.N = 1 << 11;
  const e2 = await t.throwsAsync(decryptSecrets(JSON.stringify(header), 'a long passphrase', 'f'));
  t.true(isBtsBackupError(e2) && e2.code === 'E_SECRETS_LOCKED');
});

test('KDF parameters other than the ones this tool writes are E_UNSUPPORTED at once, before any key derivation', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  for (const kdf of [{ N: 1 << 20, r: 32 }, { N: 1 << 30 }, { p: 16 }, { r: 1 }, { N: 1 << 9 }, { N: 1000 }, { N: 1 << 18 }, { N: '1024' }, { name: 'pbkdf2' }]) {
    const header = JSON.parse(text) as { kdf: Record<string, unknown> };
    Object.assign(header.kdf, kdf);
    const started = Date.now();
    const error = await t.throwsAsync(decryptSecrets(JSON.stringify(header), 'a long passphrase', 'f'));
    t.true(isBtsBackupError(error) && error.code === 'E_UNSUPPORTED', JSON.stringify(kdf));
    t.true(Date.now() - started < 500, `${JSON.stringify(kdf)} took ${Date.now() - started} ms`);
  }
  const e2 = await t.throwsAsync(decryptSecrets('{"hello":1}', 'a long passphrase', 'f'));
  t.true(isBtsBackupError(e2) && e2.code === 'E_INVALID_DATA');
  const e3 = await t.throwsAsync(encryptSecrets(entries, 'a long passphrase', { N: 1 << 20, r: 32, p: 1 }));
  t.true(isBtsBackupError(e3) && e3.code === 'E_UNSUPPORTED');
});

test('every parameter this tool writes is accepted: the default and the bounded range', (t) => {
  t.true(isAcceptedScrypt(DEFAULT_SCRYPT));
  t.true(isAcceptedScrypt({ N: 1 << 10, r: 8, p: 1 }) && isAcceptedScrypt({ N: 1 << 17, r: 8, p: 1 }));
  t.false(isAcceptedScrypt({ N: 1 << 17, r: 16, p: 1 }) || isAcceptedScrypt({ N: 1 << 17, r: 8, p: 2 }));
});

type Envelope = { cipher: { tag: string; iv: string }; kdf: { salt: string }; ciphertext: string };
const lockedCode = async (t: ExecutionContext, text: string, what: string): Promise<void> => {
  const error = await t.throwsAsync(decryptSecrets(text, 'a long passphrase', 'f'), undefined, what);
  t.true(isBtsBackupError(error) && error.code === 'E_SECRETS_LOCKED', `${what}: ${String((error as { code?: string } | undefined)?.code)}`);
};

test('a GCM tag cut to 4 bytes, cut by one, or extended does not open (full 16-byte tag required)', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const envelope = JSON.parse(text) as Envelope;
  const tag = Buffer.from(envelope.cipher.tag, 'base64');
  t.is(tag.length, 16);
  for (const [what, changed] of [
    ['4 bytes', tag.subarray(0, 4)],
    ['15 bytes', tag.subarray(0, 15)],
    ['17 bytes', Buffer.concat([tag, Buffer.from([0])])],
    ['32 bytes', Buffer.concat([tag, tag])],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    await lockedCode(t, JSON.stringify({ ...envelope, cipher: { ...envelope.cipher, tag: changed.toString('base64') } }), what);
  }
});

test('each flipped byte of the tag, IV, salt or ciphertext is E_SECRETS_LOCKED', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const envelope = JSON.parse(text) as Envelope;
  const fields: [string, (e: Envelope) => string, (e: Envelope, v: string) => Envelope][] = [
    ['tag', (e) => e.cipher.tag, (e, v) => ({ ...e, cipher: { ...e.cipher, tag: v } })],
    ['iv', (e) => e.cipher.iv, (e, v) => ({ ...e, cipher: { ...e.cipher, iv: v } })],
    ['salt', (e) => e.kdf.salt, (e, v) => ({ ...e, kdf: { ...e.kdf, salt: v } })],
    ['ciphertext', (e) => e.ciphertext, (e, v) => ({ ...e, ciphertext: v })],
  ];
  for (const [name, get, set] of fields) {
    const bytes = Buffer.from(get(envelope), 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x80;
      await lockedCode(t, JSON.stringify(set(envelope, copy.toString('base64'))), `${name} byte ${i}`);
    }
  }
});

test('any byte of the file changed: never opens, always a typed error', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const bytes = Buffer.from(text, 'utf8');
  const codes = new Set<string>();
  for (let i = 0; i < bytes.length; i++) {
    const copy = Buffer.from(bytes);
    copy[i] = copy[i]! ^ 0x01;
    try {
      await decryptSecrets(copy.toString('utf8'), 'a long passphrase', 'f');
      t.fail(`byte ${i} (${String.fromCharCode(bytes[i]!)}) changed and the file still opened`);
    } catch (error) {
      t.true(isBtsBackupError(error) && ['E_SECRETS_LOCKED', 'E_UNSUPPORTED', 'E_INVALID_DATA'].includes(error.code), `byte ${i}`);
      if (isBtsBackupError(error)) codes.add(error.code);
    }
  }
  t.true(codes.has('E_SECRETS_LOCKED'));
});

test('a secrets file larger than any real one is refused unread', async (t) => {
  const dir = await makeTempDir('big');
  const file = path.join(dir, 'secrets.json');
  await writeFile(file, Buffer.alloc(MAX_SECRETS_FILE_BYTES + 1, 0x20));
  const error = await t.throwsAsync(readSecretsFile(file, 'a long passphrase'));
  t.true(isBtsBackupError(error) && error.code === 'E_INVALID_DATA');
});

test('the passphrase comes from a file or the environment, never elsewhere', async (t) => {
  const dir = await makeTempDir('pass');
  const file = path.join(dir, 'pass.txt');
  await writeFile(file, 'from the file\r\n', 'utf8');
  t.is(await resolvePassphrase({ passphraseFile: file, env: {} }), 'from the file');
  t.is(await resolvePassphrase({ env: { BIZTALKBACKUP_SECRETS_PASSPHRASE: 'from the environment' } }), 'from the environment');
  const error = await t.throwsAsync(resolvePassphrase({ env: {} }));
  t.true(isBtsBackupError(error) && error.code === 'E_SECRETS_LOCKED');
});

test('lookup keys match binding-secrets; application entries win over global ones', (t) => {
  let list = upsertSecret([], { port: 'P', field: 'password', value: 'global' });
  list = upsertSecret(list, { application: 'A', port: 'P', field: 'password', value: 'a' });
  list = upsertSecret(list, { application: 'A', port: 'P', field: 'password', value: 'a2' });
  t.is(list.length, 2);
  t.is(secretsForApplication(list, 'a').get(secretKey({ port: 'P', field: 'password' })), 'a2');
  t.is(secretsForApplication(list, 'B').get(secretKey({ port: 'P', field: 'password' })), 'global');
});
