import test from 'ava';
import { scratchGroupLike, SimulatedRestoreTarget } from '../../src/adapters/simulator/simulated-restore.js';
import { fileBytes, SimulatedGroup as SimulatedGroupClass, type SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { createMemoryStore, type MemoryStore } from '../../src/adapters/store/memory-store.js';
import type { Manifest } from '../../src/core/manifest.js';
import { maskedLocations } from '../../src/core/plan-restore.js';
import { secretLocationKey, type SecretEntry } from '../../src/core/secrets.js';
import { encodeTextFile } from '../../src/formats/bindings/redact-secrets.js';
import { readApplicationPackage } from '../../src/formats/msi/application-package.js';
import { compareBackup } from '../../src/usecases/compare-backup.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { inspectFile } from '../../src/usecases/inspect-file.js';
import { drillRestore, restoreBackup, type RestoreOptions } from '../../src/usecases/restore-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { makeTempDir } from '../support/cli.js';

/** Every secret carries this prefix: it must appear in no stored byte, no output line, no log, no error, no manifest. */
const PREFIX = 'cnry7q';
const secret = (shape: string): string => `${PREFIX}-${shape}`;

const CONFIG = `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="InvoicePrefix" value="INV-" />\r\n    <add key="ApiKey" value="${secret('appsetting')}" />\r\n  </appSettings>\r\n  <connectionStrings>\r\n    <add name="db" connectionString="Server=sql01;Database=Billing;User Id=billing;Password=${secret('connstr')};" />\r\n  </connectionStrings>\r\n  <system.serviceModel><client><endpoint address="https://api.example/rates?key=${secret('query')}" /></client></system.serviceModel>\r\n</configuration>\r\n`;

/** The sample group with a secret in every shape of the rule table, in bindings, an added UTF-16 BE binding file and a config file. */
async function groupWithSecrets(): Promise<SimulatedGroup> {
  return sampleGroup((s) => {
    s.handlers.push({ adapter: 'SB-Messaging', host: 'SendHost', direction: 'Send' });
    const zahlung = s.applications.find((a) => a.name === 'Zahlungsverkehr Süd')!;
    zahlung.bindings = zahlung.bindings!.replace('ftp://ftp.bank-sued.example:21/zahlungen', `ftp://contoso:${secret('userinfo')}@ftp.bank-sued.example:21/zahlungen`);
    const billing = s.applications.find((a) => a.name === 'Contoso.Billing')!;
    // Adapter fields BizTalk does not mask: a client secret, an access token, a shared access key; a URL mapping with placeholders.
    billing.bindings = billing.bindings!.replace(
      '&amp;lt;targetFolder',
      `&amp;lt;ClientSecret&amp;gt;${secret('clientsecret')}&amp;lt;/ClientSecret&amp;gt;&amp;lt;AccessToken&amp;gt;${secret('token')}&amp;lt;/AccessToken&amp;gt;&amp;lt;SharedAccessKey&amp;gt;${secret('sharedaccesskey')}&amp;lt;/SharedAccessKey&amp;gt;&amp;lt;UrlMapping&amp;gt;/student/{term}?pwd={value}&amp;lt;/UrlMapping&amp;gt;&amp;lt;targetFolder`,
    );
    const prod = billing.bindings!.replace(/Sftp-S3cret#2026/g, secret('utf16be'));
    billing.resources.push({
      type: 'System.BizTalk:BizTalkBinding',
      luid: 'PROD/Contoso.Billing.BindingInfo.xml',
      properties: { TargetEnvironment: 'PROD' },
      files: [{ name: 'Contoso.Billing.PROD.BindingInfo.xml', base64: Buffer.from(encodeTextFile(prod.replace('encoding="utf-8"', 'encoding="utf-16"'), 'utf-16be', true)).toString('base64') }],
    });
    billing.resources.push({ type: 'System.BizTalk:File', luid: 'Contoso.Billing.Secrets.config', properties: {}, files: [{ name: 'Contoso.Billing.Secrets.config', text: CONFIG }] });
    const orders = s.applications.find((a) => a.name === 'Contoso.Orders')!;
    const sbPort = `<SendPort Name="Orders.Send.Queue" IsStatic="true" IsTwoWay="false" BindingOption="0"><Description xsi:nil="true" /><TransmitPipeline Name="Microsoft.BizTalk.DefaultPipelines.PassThruTransmit" FullyQualifiedName="Microsoft.BizTalk.DefaultPipelines.PassThruTransmit, Microsoft.BizTalk.DefaultPipelines, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" Type="2" TrackingOption="None" /><PrimaryTransport><Address>sb://contoso.servicebus.windows.net/orders?sig=${secret('sig')}</Address><TransportType Name="SB-Messaging" Capabilities="2" ConfigurationClsid="00000000-0000-0000-0000-000000000000" /><TransportTypeData>&lt;CustomProps&gt;&lt;AdapterConfig vt="8"&gt;&amp;lt;Config&amp;gt;&amp;lt;IssuerKey&amp;gt;${secret('sbkey')}&amp;lt;/IssuerKey&amp;gt;&amp;lt;SharedAccessKeyName&amp;gt;RootManageSharedAccessKey&amp;lt;/SharedAccessKeyName&amp;gt;&amp;lt;/Config&amp;gt;&lt;/AdapterConfig&gt;&lt;/CustomProps&gt;</TransportTypeData><RetryCount>3</RetryCount><RetryInterval>5</RetryInterval><ServiceWindowEnabled>false</ServiceWindowEnabled><FromTime>2000-01-01T00:00:00</FromTime><ToTime>2000-01-01T23:59:59</ToTime><Primary>true</Primary><OrderedDelivery>false</OrderedDelivery><DeliveryNotification>1</DeliveryNotification><SendHandler Name="SendHost" HostTrusted="false"><TransportType Name="SB-Messaging" Capabilities="2" ConfigurationClsid="00000000-0000-0000-0000-000000000000" /></SendHandler></PrimaryTransport><ReceivePipelineData xsi:nil="true" /><Tracking>0</Tracking><Filter /><Transforms /><OrderedDelivery>false</OrderedDelivery><Priority>5</Priority><StopSendingOnFailure>false</StopSendingOnFailure><RouteFailedMessage>false</RouteFailedMessage><ApplicationName>Contoso.Orders</ApplicationName></SendPort>`;
    orders.bindings = orders.bindings!.replace('</SendPortCollection>', `${sbPort}</SendPortCollection>`);
  });
}

/** The secrets, by the keys the manifest lists (the test knows them: they are the documented key scheme). */
const VALUES: Record<string, Record<string, string>> = {
  'Zahlungsverkehr Süd': { 'Zahlungsverkehr.Send.Bank.Ftp||Address/userinfo': secret('userinfo'), 'Zahlungsverkehr.Send.Bank.Ftp||password': 'Ftp-Pa55word!' },
  'Contoso.Orders': { 'Orders.Send.Queue||Address/query:sig': secret('sig'), 'Orders.Send.Queue||AdapterConfig/IssuerKey': secret('sbkey') },
  'Contoso.Billing': {
    'Billing.Send.Bank.Sftp||AdapterConfig/password': 'Sftp-S3cret#2026',
    'Billing.Send.Bank.Sftp||AdapterConfig/ClientSecret': secret('clientsecret'),
    'Billing.Send.Bank.Sftp||AdapterConfig/AccessToken': secret('token'),
    'Billing.Send.Bank.Sftp||AdapterConfig/SharedAccessKey': secret('sharedaccesskey'),
    'file:*Contoso.Billing.Secrets.config||appSettings/ApiKey': secret('appsetting'),
    'file:*Contoso.Billing.Secrets.config||password': secret('connstr'),
    'file:*Contoso.Billing.Secrets.config||query:key': secret('query'),
  },
};

/** A file's key names its path inside the MSI; the folder is the package's business, so the test matches on the file name. */
const shortKey = (key: string): string => key.replace(/^file:.*\\/, 'file:*');
const valueOf = (application: string, key: string): string | undefined => VALUES[application]?.[shortKey(key)];

function secretsOf(manifest: Manifest, values: (application: string, key: string) => string | undefined): SecretEntry[] {
  const entries: SecretEntry[] = [];
  for (const app of manifest.applications) {
    for (const location of maskedLocations(manifest, app.name)) {
      const value = values(app.name, secretLocationKey(location));
      if (value !== undefined) entries.push({ application: app.name, ...location, value });
    }
  }
  return entries;
}

/** Every way the bytes of every stored object (and every file inside a stored MSI) can be read as text. */
async function storedTexts(store: MemoryStore): Promise<string[]> {
  const texts: string[] = [];
  const decodings = (bytes: Uint8Array): string[] => [Buffer.from(bytes).toString('latin1'), Buffer.from(bytes).toString('utf8'), new TextDecoder('utf-16le').decode(bytes), new TextDecoder('utf-16be').decode(bytes), new TextDecoder('utf-16be').decode(bytes.subarray(1))];
  for (const object of await store.listObjects()) {
    const bytes = await store.readObject(object.sha256);
    texts.push(...decodings(bytes));
    if (bytes[0] === 0xd0 && bytes[1] === 0xcf) {
      for (const resource of readApplicationPackage(bytes, 'x.msi').resources) for (const file of resource.files) texts.push(...decodings(file.bytes));
    }
  }
  return texts;
}

function restoreOptions(overrides: Partial<RestoreOptions> = {}): RestoreOptions {
  return { set: 'latest', mode: 'import', include: [], exclude: [], includeReferenced: false, overwrite: false, installOnThisServer: false, dryRun: false, secrets: [], allowMissingSecrets: false, ...overrides };
}

test('canary in every shape: absent from every stored object, output line, log and the manifest; each redaction has a key', async (t) => {
  const group = await groupWithSecrets();
  const store = createMemoryStore();
  const reporter = recordingReporter();
  const outcome = await exportBackup(group, store, exportOptions(), reporter);
  t.is(outcome.exitCode, 0, JSON.stringify(outcome.manifest?.failures));
  const manifest = outcome.manifest!;
  for (const text of await storedTexts(store)) t.false(text.includes(PREFIX));
  t.false(JSON.stringify(reporter.lines).includes(PREFIX));
  t.false(JSON.stringify(manifest).includes(PREFIX));
  t.true(manifest.redactions.every((r) => r.location !== undefined), 'every redaction has a location, so a secrets key');
  // the URL mapping's placeholders were left alone
  const billing = manifest.applications.find((a) => a.name === 'Contoso.Billing')!;
  const bindingsXml = new TextDecoder().decode(await store.readObject(billing.artifacts.find((a) => a.name === 'Contoso.Billing.bindings.xml')!.sha256));
  t.true(bindingsXml.includes('/student/{term}?pwd={value}'));
  // the manifest lists exactly the documented keys: secrets list --missing asks for each
  for (const [application, values] of Object.entries(VALUES)) {
    t.deepEqual(maskedLocations(manifest, application).map((l) => shortKey(secretLocationKey(l))).sort(), Object.keys(values).sort(), application);
  }
  // inspect of the stored MSI reports where, never what
  // compare (live group against the set) after an address changed: the diff names addresses, masked
  const zahlung = group.application('Zahlungsverkehr Süd');
  zahlung.bindings = zahlung.bindings!.replace('ftp.bank-sued.example:21', 'ftp2.bank-sued.example:21');
  const compareReporter = recordingReporter();
  const compared = await compareBackup(group, store, { include: [], exclude: [] }, compareReporter);
  t.true(JSON.stringify(compareReporter.lines).includes('ftp2.bank-sued.example'), 'the change is reported');
  t.false(JSON.stringify(compareReporter.lines).includes(PREFIX));
  t.false(JSON.stringify(compared).includes(PREFIX));
  const inspected = inspectFile(await store.readObject(billing.artifacts.find((a) => a.kind === 'msi')!.sha256), 'b.msi');
  t.false(JSON.stringify(inspected).includes(PREFIX));
});

test('restore refuses E_SECRET_MISSING for every redacted value without a secret; given them, puts every one back; a second restore is a no-op; a drill passes', async (t) => {
  const group = await groupWithSecrets();
  const store = createMemoryStore();
  const manifest = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;

  const refusedReporter = recordingReporter();
  const refused = await restoreBackup(new SimulatedRestoreTarget(scratchGroupLike(group, await makeTempDir('gac-r'))), store, restoreOptions(), refusedReporter);
  for (const name of Object.keys(VALUES)) {
    t.true(refused.results.find((r) => r.application === name)!.errors.some((e) => e['code'] === 'E_SECRET_MISSING'), name);
  }
  t.false(JSON.stringify(refusedReporter.lines).includes(PREFIX));

  // one secret short: still refused, naming it
  const allButOne = secretsOf(manifest, (app, key) => (key.endsWith('appSettings/ApiKey') ? undefined : valueOf(app, key)));
  const short = await restoreBackup(new SimulatedRestoreTarget(scratchGroupLike(group, await makeTempDir('gac-s'))), store, restoreOptions({ secrets: allButOne }), recordingReporter());
  const billingErrors = short.results.find((r) => r.application === 'Contoso.Billing')!.errors;
  t.deepEqual(billingErrors.map((e) => [e['code'], (e['details'] as { field?: string }).field]), [['E_SECRET_MISSING', 'appSettings/ApiKey']]);

  const secrets = secretsOf(manifest, valueOf);
  const targetGroup = scratchGroupLike(group, await makeTempDir('gac-t'));
  const target = new SimulatedRestoreTarget(targetGroup);
  const reporter = recordingReporter();
  const first = await restoreBackup(target, store, restoreOptions({ secrets }), reporter);
  t.is(first.exitCode, 0, JSON.stringify(first.results.map((r) => r.errors)));
  t.false(JSON.stringify(reporter.lines).includes(PREFIX), 'no value in any output line');
  // every value is back where it was
  const config = targetGroup.application('Contoso.Billing').resources.find((r) => r.luid === 'Contoso.Billing.Secrets.config')!;
  t.is(new TextDecoder().decode(fileBytes(config.files[0]!)), CONFIG, 'the config file comes back byte for byte');
  t.true(targetGroup.application('Zahlungsverkehr Süd').bindings!.includes(`ftp://contoso:${secret('userinfo')}@`));
  for (const shape of ['clientsecret', 'token', 'sharedaccesskey']) t.true(targetGroup.application('Contoso.Billing').bindings!.includes(secret(shape)), shape);
  for (const shape of ['sig', 'sbkey']) t.true(targetGroup.application('Contoso.Orders').bindings!.includes(secret(shape)), shape);
  t.true(targetGroup.application('Contoso.Billing').bindings!.includes('/student/{term}?pwd={value}'));

  const second = await restoreBackup(target, store, restoreOptions({ secrets }), recordingReporter());
  t.is(second.exitCode, 0);
  t.deepEqual(new Set(second.results.map((r) => r.status)), new Set(['Unchanged']));

  const prod = await restoreBackup(new SimulatedRestoreTarget(scratchGroupLike(group, await makeTempDir('gac-p'))), store, restoreOptions({ secrets, environment: 'PROD' }), recordingReporter());
  t.is(prod.exitCode, 0, JSON.stringify(prod.results.map((r) => r.errors)));

  // install mode (databases restored, server rebuilt): msiexec deploys the MSI's files, so their secrets go back too
  const rebuilt = new SimulatedGroupClass(structuredClone(group.state), { gacRoot: await makeTempDir('gac-i') });
  rebuilt.state.gac = [];
  const installRefused = await restoreBackup(new SimulatedRestoreTarget(rebuilt), store, restoreOptions({ mode: 'install' }), recordingReporter());
  const installErrors = installRefused.results.find((r) => r.application === 'Contoso.Billing')!.errors;
  t.true(installErrors.some((e) => e['code'] === 'E_SECRET_MISSING' && (e['details'] as { field?: string }).field === 'appSettings/ApiKey'));
  const installed = await restoreBackup(new SimulatedRestoreTarget(rebuilt), store, restoreOptions({ mode: 'install', secrets }), recordingReporter());
  t.is(installed.exitCode, 0, JSON.stringify(installed.results.map((r) => r.errors)));
  t.regex(installed.results.find((r) => r.application === 'Contoso.Billing')!.steps[0]!.detail, /7 redacted secret\(s\) put back/);

  const drill = await drillRestore(new SimulatedRestoreTarget(scratchGroupLike(group, await makeTempDir('gac-d'))), store, restoreOptions(), recordingReporter());
  t.is(drill.exitCode, 0, JSON.stringify(drill.drill));
  const drillWithSecrets = await drillRestore(new SimulatedRestoreTarget(scratchGroupLike(group, await makeTempDir('gac-e'))), store, restoreOptions({ secrets }), recordingReporter());
  t.is(drillWithSecrets.exitCode, 0, JSON.stringify(drillWithSecrets.drill));
});
