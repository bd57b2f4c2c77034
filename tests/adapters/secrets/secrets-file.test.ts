import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decryptSecrets, encryptSecrets, readSecretsFile, resolvePassphrase, writeSecretsFile } from '../../../src/adapters/secrets/secrets-file.js';
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

test('absurd KDF parameters and foreign files are rejected before any work', async (t) => {
  const text = await encryptSecrets(entries, 'a long passphrase', FAST);
  const header = JSON.parse(text) as { kdf: { N: number } };
  header.kdf.N = 1 << 30;
  const e1 = await t.throwsAsync(decryptSecrets(JSON.stringify(header), 'a long passphrase', 'f'));
  t.true(isBtsBackupError(e1) && e1.code === 'E_INVALID_DATA');
  const e2 = await t.throwsAsync(decryptSecrets('{"hello":1}', 'a long passphrase', 'f'));
  t.true(isBtsBackupError(e2) && e2.code === 'E_INVALID_DATA');
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
