import test from 'ava';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../support/cli.js';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { findClearPasswords, findMaskedPasswords, injectSecrets, redactBindingSecrets, secretKey } from '../../../src/formats/bindings/binding-secrets.js';
import { findMaskedInFile, injectFileSecrets, redactSecrets } from '../../../src/formats/bindings/redact-secrets.js';
import { isPlaceholder, SECRET_RULES } from '../../../src/formats/bindings/secret-rules.js';
import { normalizeBindings } from '../../../src/formats/bindings/normalize-bindings.js';

const CANARY = 'Canary-9b2e71';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

type Transport = Parameters<typeof buildBindingInfo>[0]['sendPorts'][number]['transport'];
const sendPortBindings = (transport: Transport): string => buildBindingInfo({ application: 'A', modules: [], receivePorts: [], sendPorts: [{ name: 'P', transport }] });
const transport = (adapter: string, extra: Partial<Transport>): Transport => ({ adapter, address: 'x://host/path', props: {}, host: 'SendHost', hostTrusted: false, ...extra });

/** One case per row of the rule table: the input, where it must be found, and its secrets key. */
const rows: Record<string, { text: string; key: string; file?: boolean }> = {
  'password-field': { text: sendPortBindings(transport('FTP', { props: { userName: 'u', ProxyPassword: CANARY } })), key: 'P||ProxyPassword' },
  'secret-field': { text: sendPortBindings(transport('WCF-WebHttp', { adapterConfig: { ClientSecret: CANARY } })), key: 'P||AdapterConfig/ClientSecret' },
  'token-field': { text: sendPortBindings(transport('WCF-Custom', { adapterConfig: { SasToken: CANARY } })), key: 'P||AdapterConfig/SasToken' },
  'access-key-field': { text: sendPortBindings(transport('WCF-Custom', { adapterConfig: { SharedAccessKey: CANARY, SharedAccessKeyName: 'RootManageSharedAccessKey' } })), key: 'P||AdapterConfig/SharedAccessKey' },
  'sas-storage-key-field': { text: sendPortBindings(transport('SB-Messaging', { adapterConfig: { IssuerKey: CANARY } })), key: 'P||AdapterConfig/IssuerKey' },
  'url-userinfo': { text: sendPortBindings(transport('FTP', { address: `ftp://contoso:${CANARY}@ftp.example/in` })), key: 'P||Address/userinfo' },
  'query-string': { text: sendPortBindings(transport('WCF-WebHttp', { address: `https://api.example/orders?user=u&pwd=${CANARY}` })), key: 'P||Address/query:pwd' },
  'connection-string': { text: sendPortBindings(transport('WCF-SQL', { adapterConfig: { ConnectionString: `Data Source=sql01;User Id=u;Password=${CANARY};` } })), key: 'P||AdapterConfig/ConnectionString/password' },
  'app-setting': { text: `<configuration><appSettings><add key="InvoicePrefix" value="INV-" /><add key="ApiKey" value="${CANARY}" /></appSettings></configuration>`, key: 'file:a.config||appSettings/ApiKey', file: true },
  'config-element': { text: `<?xml version="1.0"?>\n<settings xmlns:s="urn:x">\n  <smtp host="mail" user='ops'>\n    <s:Password>${CANARY}</s:Password>\n  </smtp>\n</settings>\n`, key: 'file:a.config||Password', file: true },
  'json-property': { text: `{\n  "Smtp": { "Host": "mail", "ClientSecret" : "${CANARY}" },\n  "Retries": 3\n}\n`, key: 'file:a.config||json:ClientSecret', file: true },
};

test('the rule table has a test case for every row, and every row documents itself', (t) => {
  t.deepEqual(Object.keys(rows).sort(), SECRET_RULES.map((r) => r.id).sort());
  for (const rule of SECRET_RULES) t.true(rule.matches.length > 10 && rule.example.includes('s3cr3t'), rule.id);
});

for (const [id, row] of Object.entries(rows)) {
  test(`rule ${id}: masked, keyed, listed for restore, and put back exactly`, (t) => {
    const redacted = redactSecrets(enc(row.text), 'a.config');
    t.truthy(redacted, id);
    const stored = dec(redacted!.bytes);
    t.false(stored.includes(CANARY), id);
    t.false(JSON.stringify(redacted!.redactions).includes(CANARY));
    t.deepEqual(redacted!.redactions.map((r) => secretKey(r.location!)), [row.key]);
    t.deepEqual(findMaskedInFile(redacted!.bytes, 'a.config').map(secretKey), [row.key]);
    const back = injectFileSecrets(redacted!.bytes, 'a.config', new Map([[row.key, CANARY]]));
    t.deepEqual(back.missing, []);
    if (row.file === true) t.is(dec(back.bytes), row.text, 'a file comes back byte for byte');
    else t.is(normalizeBindings(dec(back.bytes), 'b').fingerprint, normalizeBindings(row.text, 'a').fingerprint);
    if (row.file !== true) t.true(dec(back.bytes).includes(CANARY));
  });
}

test('a SAS adapter\'s key NAME is not a secret; *Key of a non-storage adapter is not one either', (t) => {
  const sas = sendPortBindings(transport('SB-Messaging', { adapterConfig: { SharedAccessKeyName: 'RootManageSharedAccessKey' } }));
  t.deepEqual(findClearPasswords(sas, 'b'), []);
  const file = sendPortBindings(transport('FILE', { props: { SortKey: 'Name' } }));
  t.deepEqual(findClearPasswords(file, 'b'), []);
  const eventHub = sendPortBindings(transport('EventHub', { adapterConfig: { PartitionKey: 'orders', SessionKey: 's' } }));
  t.deepEqual(findClearPasswords(eventHub, 'b'), []);
});

test('a script is code, not a connection string: variables named password are left alone', (t) => {
  const script = '$password = Read-Host -AsSecureString\r\nset PWD=%1\r\n@password = N\'x\'\r\n$cred.Password = $password\r\n';
  t.is(redactSecrets(enc(script), 'Deploy.ps1'), undefined);
  t.truthy(redactSecrets(enc('sqlcmd -S x -U u -Q "..." -v "Server=x;Password=abc;"'), 'deploy.cmd'));
});

test('template placeholders are not secrets: a WCF-WebHttp URL mapping stays untouched', (t) => {
  const mapping = '<BtsHttpUrlMapping><Operation Name="GetStudent" Method="GET" Url="/student/{term}?pwd={value}" /></BtsHttpUrlMapping>';
  const xml = sendPortBindings(transport('WCF-WebHttp', { address: 'https://api.example/svc?pwd={value}', adapterConfig: { HttpUrlMapping: mapping, Password: '${FtpPassword}' } }));
  t.deepEqual(findClearPasswords(xml, 'b'), []);
  t.is(redactBindingSecrets(xml, 'b').xml, xml);
  t.is(redactSecrets(enc(`Url="/student/{term}?pwd={value}" Password=$(DbPassword); x=%PWD%`), 'x.txt'), undefined);
  for (const p of ['{value}', '{0}', '${Var}', '$(Var)', '%Var%']) t.true(isPlaceholder(p), p);
  for (const p of ['value', '{a}{b}', 'x{y}']) t.false(isPlaceholder(p), p);
});

test('a clear query-string password beside a placeholder in a URL mapping is masked and restorable', (t) => {
  const mapping = `<BtsHttpUrlMapping><Operation Name="Get" Method="GET" Url="/student/{term}?pwd=${CANARY}" /></BtsHttpUrlMapping>`;
  const xml = sendPortBindings(transport('WCF-WebHttp', { adapterConfig: { HttpUrlMapping: mapping } }));
  const redacted = redactBindingSecrets(xml, 'b');
  t.false(redacted.xml.includes(CANARY));
  t.true(redacted.xml.includes('{term}'));
  t.deepEqual(findMaskedPasswords(redacted.xml, 'b').map(secretKey), ['P||AdapterConfig/HttpUrlMapping/query:pwd']);
  const back = injectSecrets(redacted.xml, 'b', new Map([['P||AdapterConfig/HttpUrlMapping/query:pwd', CANARY]]));
  t.is(normalizeBindings(back.xml, 'x').fingerprint, normalizeBindings(xml, 'y').fingerprint);
});

test('several secrets of one kind in one file get distinct keys, in order', (t) => {
  const text = `a=Server=x;Password=${CANARY}1;\nb=Server=y;Password=${CANARY}2;\nc=ftp://u:${CANARY}3@h/`;
  const redacted = redactSecrets(enc(text), 'app.ini')!;
  t.deepEqual(redacted.redactions.map((r) => secretKey(r.location!)), ['file:app.ini||password', 'file:app.ini||password#2', 'file:app.ini||userinfo']);
  const back = injectFileSecrets(redacted.bytes, 'app.ini', new Map([['file:app.ini||password', `${CANARY}1`], ['file:app.ini||password#2', `${CANARY}2`], ['file:app.ini||userinfo', `${CANARY}3`]]));
  t.is(dec(back.bytes), text);
});

test('normalised bindings (fingerprint and summary) never carry a secret, masked or not', (t) => {
  const xml = sendPortBindings(transport('FTP', { address: `ftp://contoso:${CANARY}@ftp.example/in` }));
  const normalized = normalizeBindings(xml, 'b');
  t.false(JSON.stringify(normalized.summary).includes(CANARY));
  t.is(normalized.summary.sendPorts[0]?.address, 'ftp://contoso:******@ftp.example/in');
  t.is(normalized.fingerprint, normalizeBindings(redactBindingSecrets(xml, 'b').xml, 'c').fingerprint);
});

test('the README documents every row of the rule table', async (t) => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  for (const rule of SECRET_RULES) t.regex(readme, new RegExp(`^\\| \`${rule.id}\` \\| ${rule.shape} \\|`, 'm'), rule.id);
});

/** A send port whose TransportTypeData is the given CustomProps (escaped once, as BizTalk writes it). */
const rawSendPort = (adapter: string, customProps: string): string => {
  const escaped = customProps.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="utf-8"?><BindingInfo><SendPortCollection><SendPort Name="P"><PrimaryTransport><Address>C:\\out</Address><TransportType Name="${adapter}" /><TransportTypeData>${escaped}</TransportTypeData></PrimaryTransport></SendPort></SendPortCollection></BindingInfo>`;
};
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

test('a custom adapter\'s password in an attribute, in nested properties or in a property holding XML is masked and restorable', (t) => {
  const shapes: Record<string, { xml: string; key: string }> = {
    'attribute in AdapterConfig': { xml: rawSendPort('Contoso.Custom', `<CustomProps><AdapterConfig vt="8">${escapeText(`<Config><Credentials user="u" Password="${CANARY}" /></Config>`)}</AdapterConfig></CustomProps>`), key: 'P||AdapterConfig/Credentials/@Password' },
    'attribute on a property': { xml: rawSendPort('Contoso.Custom', `<CustomProps><Login vt="8" password="${CANARY}">u</Login></CustomProps>`), key: 'P||Login/@password' },
    'nested properties': { xml: rawSendPort('Contoso.Custom', `<CustomProps><Creds><User>u</User><Password>${CANARY}</Password></Creds></CustomProps>`), key: 'P||Creds/Password' },
    'property holding XML': { xml: rawSendPort('Contoso.Custom', `<CustomProps><Settings vt="8">${escapeText(`<S><Endpoint>h</Endpoint><Password>${CANARY}</Password></S>`)}</Settings></CustomProps>`), key: 'P||Settings/Password' },
  };
  for (const [shape, { xml, key }] of Object.entries(shapes)) {
    const redacted = redactBindingSecrets(xml, 'b');
    t.false(redacted.xml.includes(CANARY), shape);
    t.deepEqual(findClearPasswords(redacted.xml, 'b'), [], shape);
    t.deepEqual(findMaskedPasswords(redacted.xml, 'b').map(secretKey), [key], shape);
    const inFile = redactSecrets(enc(xml), 'b.xml');
    t.false(inFile === undefined || dec(inFile.bytes).includes(CANARY), shape);
    const back = injectSecrets(redacted.xml, 'b', new Map([[key, CANARY]]));
    t.deepEqual(back.missing, [], shape);
    t.is(normalizeBindings(back.xml, 'x').fingerprint, normalizeBindings(xml, 'y').fingerprint, shape);
  }
});

test('an app setting whose value holds an apostrophe or a ">" is masked and restorable', (t) => {
  for (const value of [`it's-${CANARY}`, `a>${CANARY}`]) {
    const text = `<configuration><appSettings><add key="SmtpPassword" value="${value}" /><add key='ApiKey' value='say "${CANARY}"' /></appSettings></configuration>`;
    const redacted = redactSecrets(enc(text), 'a.config')!;
    t.false(dec(redacted.bytes).includes(CANARY), value);
    t.deepEqual(findMaskedInFile(redacted.bytes, 'a.config').map(secretKey), ['file:a.config||appSettings/SmtpPassword', 'file:a.config||appSettings/ApiKey']);
    const back = injectFileSecrets(redacted.bytes, 'a.config', new Map([['file:a.config||appSettings/SmtpPassword', value], ['file:a.config||appSettings/ApiKey', `say "${CANARY}"`]]));
    t.is(dec(back.bytes), text);
  }
});

test('a connection-string password quoted with &quot; inside an XML attribute is masked whole and restorable', (t) => {
  const text = `<configuration><connectionStrings><add name="db" connectionString="Server=s;User Id=u;Password=&quot;pre;${CANARY}&quot;;" /></connectionStrings></configuration>`;
  const redacted = redactSecrets(enc(text), 'a.config')!;
  t.false(dec(redacted.bytes).includes(CANARY));
  t.true(dec(redacted.bytes).includes('Password=&quot;******&quot;;'));
  t.deepEqual(findMaskedInFile(redacted.bytes, 'a.config').map(secretKey), ['file:a.config||password']);
  const back = injectFileSecrets(redacted.bytes, 'a.config', new Map([['file:a.config||password', `pre;${CANARY}`]]));
  t.is(dec(back.bytes), text);
});

test('a URL password holding an unencoded "@" is masked up to the host, in a file and in an address', (t) => {
  const text = `endpoint=ftp://contoso:p@ss-${CANARY}@ftp.example/in?x=a@b`;
  const redacted = redactSecrets(enc(text), 'app.ini')!;
  t.is(dec(redacted.bytes), 'endpoint=ftp://contoso:******@ftp.example/in?x=a@b');
  const back = injectFileSecrets(redacted.bytes, 'app.ini', new Map([['file:app.ini||userinfo', `p@ss-${CANARY}`]]));
  t.is(dec(back.bytes), text);
  const xml = sendPortBindings(transport('FTP', { address: `ftp://contoso:p@ss-${CANARY}@ftp.example/in` }));
  t.false(redactBindingSecrets(xml, 'b').xml.includes(CANARY));
});

test('an adapter property ending in Pwd or Passphrase is a password field, in any casing', (t) => {
  for (const name of ['UserPwd', 'proxypwd', 'PgpPassphrase', 'PASSPHRASE']) {
    const xml = rawSendPort('Contoso.Custom', `<CustomProps><${name} vt="8">${CANARY}</${name}></CustomProps>`);
    const redacted = redactBindingSecrets(xml, 'b');
    t.false(redacted.xml.includes(CANARY), name);
    t.deepEqual(redacted.rules, ['password-field'], name);
    t.deepEqual(findMaskedPasswords(redacted.xml, 'b').map(secretKey), [`P||${name}`], name);
  }
});

test('file-field rules: a secret-named element or JSON property only; CDATA, child elements, numbers and other names stay', (t) => {
  const config = `<c><Password><![CDATA[x]]></Password><ClientSecret><v>1</v></ClientSecret><UserName>ops</UserName><Password/><Password>{pwd}</Password><PartitionKey>p</PartitionKey></c>`;
  t.is(redactSecrets(enc(config), 'a.config'), undefined);
  const json = `{"ApiKey": 42, "User": "ops", "Password": "", "token": "$(Token)", "Note": "password: x"}`;
  t.is(redactSecrets(enc(json), 'a.json'), undefined);
  const two = redactSecrets(enc(`<a><Password>${CANARY}</Password><b><Password>${CANARY}2</Password></b></a>`), 'a.config');
  t.deepEqual(two!.redactions.map((r) => secretKey(r.location!)), ['file:a.config||Password', 'file:a.config||Password#2']);
  t.deepEqual(two!.redactions.map((r) => r.kind), ['ConfigElementSecret', 'ConfigElementSecret']);
});

test('file-field rules: ordinary data named like a key, a token or a pass is not a secret (a restore would refuse it without a secrets file); keys named for what they unlock are', (t) => {
  // Each of these was masked, and a restore of the file without a secrets file stopped with E_SECRET_MISSING.
  const json = `{"settings": [{"key": "Region", "value": "EU"}], "partitionKey": "/customerId", "primaryKey": "OrderId", "cacheKey": "orders", "tokenType": "Bearer", "tokenEndpoint": "https://login.example/token", "bypassProxyOnLocal": "true", "passwordPolicy": "strong", "compassHeading": "N", "usePassword": "false"}`;
  t.is(redactSecrets(enc(json), 'a.json'), undefined);
  const config = `<c><RequirePassword>true</RequirePassword><ShowPassword>False</ShowPassword><SortKey>date</SortKey></c>`;
  t.is(redactSecrets(enc(config), 'a.config'), undefined);
  const keys = redactSecrets(enc(`{"ApiKey": "${CANARY}1", "x-api-key": "${CANARY}2", "Ocp-Apim-Subscription-Key": "${CANARY}3", "PrivateKey": "${CANARY}4"}`), 'a.json');
  t.deepEqual(keys!.redactions.map((r) => secretKey(r.location!)), ['file:a.json||json:ApiKey', 'file:a.json||json:x-api-key', 'file:a.json||json:Ocp-Apim-Subscription-Key', 'file:a.json||json:PrivateKey']);
  t.false(dec(keys!.bytes).includes(CANARY));
  // The same key as an element, as a person expects when the JSON one is masked.
  const element = redactSecrets(enc(`<c><ApiKey>${CANARY}</ApiKey><SubscriptionKey>${CANARY}</SubscriptionKey></c>`), 'a.config');
  t.deepEqual(element!.redactions.map((r) => secretKey(r.location!)), ['file:a.config||ApiKey', 'file:a.config||SubscriptionKey']);
  t.false(dec(element!.bytes).includes(CANARY));
});

test('hostile config text: unclosed tags and quotes, and secrets, by the hundred thousand are scanned in linear time', (t) => {
  // Unclosed tags made the tag patterns scan to the end of the text from every start, and many secrets made the overlap
  // check and the replacement quadratic: minutes at this size, each. [piece, secrets in 200,000 repeats]
  const cases: [string, number][] = [['<a x="', 0], ["<add k='", 0], ['<Password ', 0], ['"token": "\\', 100_000], ['<Password>x</Password>', 200_000], ['Password=x;', 200_000], ['"ApiKey":"x",', 200_000]];
  for (const [piece, secrets] of cases) {
    const redacted = redactSecrets(enc(piece.repeat(200_000)), 'a.config');
    t.is(redacted?.redactions.length ?? 0, secrets, piece);
  }
});
