// The structural checker: compares an MSI with what shared/REAL-MSI.md says every genuine BizTalk export looks like
// (tables, columns, rows, properties, summary information, cabinet shapes and windows, the ADF) and returns every
// deviation found, as readable sentences. An empty list means the facts cannot tell the MSI from BizTalk's own,
// except for the bytes of the Binary.* streams. Written from REAL-MSI.md, not from the package builder: it reads
// the MSI with our reader only (no builder code), and the .NET oracle test checks the folder hash separately.
import { createHash } from 'node:crypto';
import { readCabinet, readCabinetInfo } from '../../src/formats/cab/cab-reader.js';
import { parseAdf } from '../../src/formats/adf/adf.js';
import { applicationComponentHash, assemblyFolderHash } from '../../src/formats/msi/biztalk-hash.js';
import { openMsiDatabase, type MsiDatabase, type MsiValue } from '../../src/formats/msi/msi-reader.js';

const CABINET_STREAM = '_B98EE4BD3AE90E7D388ECC1D801B7828';
const ENGINE = 'Microsoft.BizTalk.ApplicationDeployment.Engine, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
const ADF_NAMESPACE = 'http://Microsoft.BizTalk.ApplicationDeployment/ApplicationDefinition.xsd';
const BINARY_STREAMS = ['MSVBDPCADLL', 'VSDNETCFG', 'DefBannerBitmap', 'UpFldrBtn', 'NewFldrBtn'];
const NAMED_TABLES = [
  '_Validation', 'ActionText', 'AdminExecuteSequence', 'AdminUISequence', 'AdvtExecuteSequence', 'AdvtUISequence', 'AppSearch', 'Binary',
  'Component', 'Control', 'ControlCondition', 'ControlEvent', 'CustomAction', 'Dialog', 'Directory', 'Error', 'Feature', 'FeatureComponents', 'File',
  'InstallExecuteSequence', 'InstallUISequence', 'LaunchCondition', 'Media', 'Property', 'RegLocator', 'Registry', 'Upgrade', '_VsdLaunchCondition',
];
const BTS_KEY = 'SOFTWARE\\Microsoft\\BizTalk Server\\3.0';
const UNINSTALL_KEY = 'Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\[ProductName]';
const GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;
const FILE_KEY = /^_[0-9A-F]{32}$/;
const ADF_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;

/** Properties per resource type besides SourceLocation / DestinationLocation / ShortCabinetName, and the File Key. */
const ADF_TYPES: Record<string, { properties: string[]; absent?: string[]; key: (relativePath: string) => string }> = {
  'System.BizTalk:BizTalkAssembly': {
    properties: ['UpdateGac', 'Gacutil', 'UpdateGacOnImport', 'Attributes', 'FullName', 'UpdateOrchestrationStatus', 'RestartHostInstances', 'CreationTime', 'LastAccessTime', 'LastWriteTime'],
    key: () => 'Assembly',
  },
  'System.BizTalk:Assembly': { properties: ['UpdateGac', 'Gacutil', 'Regasm', 'Regsvcs', 'CreationTime', 'LastAccessTime', 'LastWriteTime'], absent: ['FullName'], key: () => 'File' },
  'System.BizTalk:WebDirectory': { properties: ['PhysicalPath', 'AspNetVersion', 'IISProcessMode'], key: (relativePath) => relativePath },
  'System.BizTalk:BizTalkBinding': { properties: ['IsDynamic', 'IncludeGlobalPartyBinding', 'FullName', 'Attributes', 'CreationTime', 'LastAccessTime', 'LastWriteTime'], key: () => 'Binding' },
};

export interface ShapeOptions {
  /** Where the MSI came from, prefixed to every deviation. */
  source?: string;
}

/** Every way the MSI differs from REAL-MSI.md; empty when it matches on every point. */
export function realMsiDeviations(bytes: Uint8Array, options: ShapeOptions = {}): string[] {
  const source = options.source ?? 'package.msi';
  const out: string[] = [];
  const fail = (text: string): void => {
    out.push(`${source}: ${text}`);
  };
  let db: MsiDatabase;
  try {
    db = openMsiDatabase(bytes, source);
  } catch (error) {
    fail(`not readable as an MSI (${(error as Error).message})`);
    return out;
  }
  const table = (name: string): Record<string, MsiValue>[] => {
    if (!db.tableNames.includes(name)) {
      fail(`has no ${name} table`);
      return [];
    }
    return db.readRecords(name);
  };
  const expect = (what: string, actual: unknown, wanted: unknown): void => {
    if (actual !== wanted) fail(`${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(wanted)}`);
  };

  // ---- database ----
  expect('the codepage', db.codepage, 65001);
  expect('the number of tables', db.tableNames.length, 90);
  for (const name of NAMED_TABLES) if (!db.tableNames.includes(name)) fail(`has no ${name} table`);
  for (const [tableName, column] of [['File', 'Sequence'], ['Media', 'LastSequence']] as const) {
    if (!db.tableNames.includes(tableName)) continue;
    const kind = db.readTable(tableName).columns.find((c) => c.name === column)?.kind;
    expect(`${tableName}.${column}'s type`, kind, 'i2');
  }
  const streamNames = db.streams.filter((s) => !s.isTable).map((s) => s.name);
  for (const name of BINARY_STREAMS) if (!streamNames.includes(`Binary.${name}`)) fail(`has no Binary.${name} stream`);
  if (!streamNames.includes(CABINET_STREAM)) fail(`has no ${CABINET_STREAM} stream`);
  const binaryRows = table('Binary').map((r) => r['Name']);
  for (const name of BINARY_STREAMS) if (!binaryRows.includes(name)) fail(`has no Binary row ${name}`);

  // ---- Property ----
  const propertyRows = table('Property');
  expect('the number of Property rows', propertyRows.length, 43);
  const property = new Map(propertyRows.map((r) => [r['Property'] as string, r['Value'] as string | null]));
  const application = property.get('ProductName') ?? '';
  const productCode = property.get('ProductCode') ?? '';
  const upgradeCode = property.get('UpgradeCode') ?? '';
  if (!GUID.test(productCode)) fail(`ProductCode ${JSON.stringify(productCode)} is not a braced upper-case GUID`);
  if (!GUID.test(upgradeCode)) fail(`UpgradeCode ${JSON.stringify(upgradeCode)} is not a braced upper-case GUID`);
  expect('ProductVersion', property.get('ProductVersion'), '1.0.0.0');
  expect('Manufacturer', property.get('Manufacturer'), 'Generated by BizTalk');
  expect('ARPCOMMENTS', property.get('ARPCOMMENTS'), 'Generated BizTalk User Application Package');
  expect('ARPNOREPAIR', property.get('ARPNOREPAIR'), '1');
  expect('ALLUSERS', property.get('ALLUSERS'), '1');
  expect('SecureCustomProperties', property.get('SecureCustomProperties'), 'NEWERPRODUCTFOUND;BTSVERSION;BTSPATH;BTSPRODUCTNAME');
  if (![...property.keys()].some((name) => name.startsWith('VSD'))) fail('has no VSD* message texts in Property');

  // ---- summary information ----
  const s = db.summary;
  expect('summary Title', s.title, application);
  expect('summary Subject', s.subject, `Generated BizTalk application package for "${application}"`);
  expect('summary Keywords', s.keywords, `BizTalk, deployment, application, ${application}`);
  expect('summary Comments', s.comments ?? '', '');
  expect('summary Template', s.template, 'Intel;1033');
  expect('summary page count', s.pageCount, 200);
  expect('summary word count', s.wordCount, 2);
  expect('summary application (PID 18)', s.appName, ENGINE);
  expect('summary security', s.security, 1);
  if ((s.author ?? '') === '') fail('summary Author (the exporting user) is empty');
  if ((s.lastAuthor ?? '') === '' || s.lastAuthor === s.author) fail(`summary Last author ${JSON.stringify(s.lastAuthor)} is not a fixed template value`);
  if (!GUID.test(s.revision ?? '')) fail(`summary Revision ${JSON.stringify(s.revision)} is not a GUID`);
  expect('summary Last printed year', s.lastPrinted?.getUTCFullYear(), 2010);
  expect('summary Last saved year', s.lastSaved?.getUTCFullYear(), 2012);
  if (s.created === undefined) fail('summary Created (the export time) is missing');

  // ---- AppSearch / RegLocator / launch conditions ----
  const locators = new Map(table('RegLocator').map((r) => [r['Signature_'] as string, r]));
  const searched = new Map(table('AppSearch').map((r) => [r['Property'] as string, locators.get(r['Signature_'] as string)]));
  for (const [name, value] of [['BTSPATH', 'InstallPath'], ['BTSPRODUCTNAME', 'ProductName'], ['BTSVERSION', 'ProductCode']] as const) {
    const locator = searched.get(name);
    if (locator === undefined) fail(`AppSearch does not read ${name} through a RegLocator row`);
    else if (locator['Root'] !== 2 || locator['Key'] !== BTS_KEY || locator['Name'] !== value) fail(`${name} is not read from HKLM\\${BTS_KEY} value ${value}`);
  }
  if (!table('_VsdLaunchCondition').some((r) => /^BTSVERSION\s*=\s*"\{[0-9A-F-]{36}\}"$/.test(String(r['Condition'])))) fail('_VsdLaunchCondition does not require BTSVERSION to equal BizTalk\'s product code');

  // ---- File / Media / cabinets ----
  const files = table('File');
  const adfRows = files.filter((r) => r['FileName'] === 'APPLIC~1.ADF|ApplicationDefinition.adf');
  if (adfRows.length !== 1) fail(`has ${adfRows.length} File rows for APPLIC~1.ADF|ApplicationDefinition.adf, not 1`);
  const adfKey = (adfRows[0]?.['File'] as string | undefined) ?? '';
  const itemRows = files.filter((r) => r !== adfRows[0]);
  itemRows.forEach((row) => {
    const match = /^(ITEM~\d+\.CAB)\|(ITEM~\d+\.CAB)$/.exec(String(row['FileName']));
    if (match === null || match[1] !== match[2]) fail(`File ${String(row['File'])} is named ${JSON.stringify(row['FileName'])}, not ITEM~<n>.CAB|ITEM~<n>.CAB`);
  });
  const itemNames = itemRows.map((r) => String(r['FileName']).split('|')[0]).sort();
  const wantedItems = itemRows.map((_, i) => `ITEM~${i}.CAB`).sort();
  if (JSON.stringify(itemNames) !== JSON.stringify(wantedItems)) fail(`the inner cabinets are ${itemNames.join(', ')}, not ITEM~0.CAB.. ITEM~${itemRows.length - 1}.CAB`);
  const component = new Map(table('Component').map((r) => [r['Component'] as string, r]));
  const filesComponent = component.get(`C_${adfKey}`);
  for (const row of files) {
    if (!FILE_KEY.test(String(row['File']))) fail(`File key ${JSON.stringify(row['File'])} is not _<32 upper-case hex>`);
    expect(`File ${String(row['File'])} Attributes`, row['Attributes'], 512);
    expect(`File ${String(row['File'])} component`, row['Component_'], `C_${adfKey}`);
  }
  const sequences = files.map((r) => Number(r['Sequence'])).sort((a, b) => a - b);
  if (sequences.some((n, i) => n !== i + 1)) fail(`File sequences are ${sequences.join(',')}, not 1..${files.length}`);
  const media = table('Media');
  expect('the number of Media rows', media.length, 1);
  expect('Media.Cabinet', media[0]?.['Cabinet'], `#${CABINET_STREAM}`);
  expect('Media.LastSequence', media[0]?.['LastSequence'], files.length);

  const outerBytes = db.readStream(CABINET_STREAM);
  const inner = new Map<string, Uint8Array>();
  let adfBytes: Uint8Array | undefined;
  if (outerBytes !== undefined) {
    checkCabinet(outerBytes, 21, 'the outer cabinet', fail);
    try {
      const entries = readCabinet(outerBytes, { source: 'outer' });
      const bySequence = [...files].sort((a, b) => Number(a['Sequence']) - Number(b['Sequence'])).map((r) => r['File']);
      if (JSON.stringify(entries.map((e) => e.name)) !== JSON.stringify(bySequence)) fail('the outer cabinet\'s entries are not the File keys in Sequence order');
      const rowByKey = new Map(files.map((r) => [r['File'] as string, r]));
      for (const entry of entries) {
        const row = rowByKey.get(entry.name);
        if (row === undefined) continue;
        expect(`File ${entry.name} FileSize`, row['FileSize'], entry.bytes.length);
        if (entry.name === adfKey) adfBytes = entry.bytes;
        else inner.set(String(row['FileName']).split('|')[0]!, entry.bytes);
      }
    } catch (error) {
      fail(`the outer cabinet does not read (${(error as Error).message})`);
    }
  }

  // ---- components, feature, directories ----
  expect('the number of components', component.size, 2);
  if (filesComponent === undefined) fail(`has no component C_${adfKey} for the ADF's File key`);
  else {
    expect('the files component\'s directory', filesComponent['Directory_'], 'ADFDIR');
    expect('the files component\'s key path', filesComponent['KeyPath'], adfKey);
    expect('the files component\'s GUID', filesComponent['ComponentId'], `{${adfKey.slice(1, 9)}-${adfKey.slice(9, 13)}-${adfKey.slice(13, 17)}-${adfKey.slice(17, 21)}-${adfKey.slice(21)}}`);
  }
  const applicationComponent = component.get(`C__${applicationComponentHash(application)}`);
  const registry = table('Registry');
  if (applicationComponent === undefined) fail(`has no component C__<hash of "${application}">`);
  else {
    expect('the application component\'s directory', applicationComponent['Directory_'], 'TARGETDIR');
    expect('the application component\'s attributes', applicationComponent['Attributes'], 4);
    expect('the application component\'s condition', applicationComponent['Condition'], 'NOT EXTRACTCABSONLY');
    if (!registry.some((r) => r['Registry'] === applicationComponent['KeyPath'])) fail('the application component\'s key path is not a Registry row');
  }
  const feature = table('Feature');
  expect('the number of features', feature.length, 1);
  const f = feature[0];
  if (f !== undefined) {
    expect('the feature', f['Feature'], 'DefaultFeature');
    expect('the feature title', f['Title'] ?? '', '');
    expect('the feature display', f['Display'], 2);
    expect('the feature level', f['Level'], 1);
    expect('the feature directory', f['Directory_'], 'TARGETDIR');
  }
  const featured = table('FeatureComponents').filter((r) => r['Feature_'] === 'DefaultFeature').map((r) => r['Component_']).sort();
  if (JSON.stringify(featured) !== JSON.stringify([...component.keys()].sort())) fail('DefaultFeature does not hold exactly both components');
  const directory = new Map(table('Directory').map((r) => [r['Directory'] as string, r]));
  expect('TARGETDIR', directory.get('TARGETDIR')?.['DefaultDir'], 'SourceDir');
  expect('ADFDIR\'s parent', directory.get('ADFDIR')?.['Directory_Parent'], 'TARGETDIR');
  expect('ADFDIR\'s DefaultDir', directory.get('ADFDIR')?.['DefaultDir'], productCode.replace(/[{}]/g, ''));
  expect('CommonFilesFolder\'s parent', directory.get('CommonFilesFolder')?.['Directory_Parent'], 'TARGETDIR');
  let parent = 'CommonFilesFolder';
  for (const long of ['Microsoft Shared', 'BizTalk Server', 'Application Deployment']) {
    const child = [...directory.values()].find((r) => r['Directory_Parent'] === parent && String(r['DefaultDir']).split('|').pop() === long);
    if (child === undefined) {
      fail(`Directory has no "${long}" under ${parent}`);
      break;
    }
    parent = child['Directory'] as string;
  }

  // ---- custom actions, sequences, registry, upgrade ----
  const actions = new Map(table('CustomAction').map((r) => [r['Action'] as string, r]));
  for (const verb of ['install', 'uninstall'] as const) {
    const name = verb === 'install' ? 'CA_Install' : 'CA_Uninstall';
    const action = actions.get(name);
    if (action === undefined) {
      fail(`has no ${name} custom action`);
      continue;
    }
    expect(`${name}'s type`, action['Type'], 3106);
    expect(`${name}'s source`, action['Source'], 'ADFDIR');
    const target = String(action['Target']);
    const wanted = `/MSITargetDir="[ADFDIR]\\" "[#${adfKey}]" "[VSDFxConfigFile]"`;
    if (!target.startsWith(`[BTSPATH]CustomAction.exe /installtype=notransaction /action=${verb} `) || !target.endsWith(wanted)) fail(`${name} does not run CustomAction.exe /action=${verb} on the ADF [#${adfKey}]: ${target}`);
  }
  for (const name of ['DIRCA_TARGETDIR', 'DIRCA_CheckFX', 'VSDCA_VsdLaunchConditions']) if (!actions.has(name)) fail(`has no ${name} custom action`);
  if (![...actions.keys()].some((name) => name.startsWith('ERRCA_'))) fail('has no ERRCA_* custom action');
  const executed = table('InstallExecuteSequence').map((r) => r['Action']);
  for (const name of ['CA_Install', 'CA_Uninstall', 'AppSearch', 'InstallFiles']) if (!executed.includes(name)) fail(`InstallExecuteSequence does not run ${name}`);
  if (!registry.some((r) => r['Key'] === UNINSTALL_KEY && r['Name'] === 'Uninstallstring' && r['Value'] === '[BTSPATH]BtsTask.exe UninstallApp -ApplicationName:"[ProductName]"')) fail('Registry has no uninstall entry running BtsTask.exe UninstallApp');
  const upgrade = table('Upgrade');
  expect('the number of Upgrade rows', upgrade.length, 1);
  const u = upgrade[0];
  if (u !== undefined) {
    expect('Upgrade.UpgradeCode', u['UpgradeCode'], upgradeCode);
    expect('Upgrade.VersionMin', u['VersionMin'], '1.0.0');
    expect('Upgrade.Attributes', u['Attributes'], 258);
    expect('Upgrade.ActionProperty', u['ActionProperty'], 'NEWERPRODUCTFOUND');
  }

  // ---- the ADF and the inner cabinets ----
  if (adfBytes === undefined) fail('the outer cabinet holds no ApplicationDefinition.adf');
  else checkAdf(adfBytes, application, inner, fail);
  return out;
}

/**
 * `Application-<application>` (characters a path cannot hold become `-`). Past 100 characters our simulator shortens
 * it with a hash so that the cabinet entry stays within 255 bytes: the one place it departs from BizTalk on purpose.
 */
function bindingFolder(application: string): string {
  // Windows drops trailing spaces from folder names, so a name ending in one loses it here.
  const folder = `Application/${application}`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-').trim();
  return folder.length <= 100 ? folder : `${folder.slice(0, 80)}~${createHash('sha256').update(`Application/${application}`, 'utf8').digest('hex').slice(0, 8)}`;
}

function checkCabinet(bytes: Uint8Array, windowBits: number, what: string, fail: (text: string) => void): void {
  try {
    const info = readCabinetInfo(bytes, what);
    if (info.folders.length !== 1) fail(`${what} has ${info.folders.length} folders, not 1`);
    for (const folder of info.folders) {
      if (folder.compression !== 'lzx' || folder.lzxWindowBits !== windowBits) fail(`${what} is ${folder.compression}${folder.lzxWindowBits === undefined ? '' : ` 2^${folder.lzxWindowBits}`}, not LZX 2^${windowBits}`);
    }
  } catch (error) {
    fail(`${what} does not read (${(error as Error).message})`);
  }
}

function checkAdf(bytes: Uint8Array, application: string, inner: Map<string, Uint8Array>, fail: (text: string) => void): void {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (!text.startsWith('<?xml version="1.0" encoding="utf-8"?>')) fail('the ADF does not start with a UTF-8 XML declaration');
  if (/[^\r]\n/.test(text)) fail('the ADF has line ends that are not CRLF');
  if (!text.includes(`xmlns="${ADF_NAMESPACE}"`)) fail(`the ADF is not in the namespace ${ADF_NAMESPACE}`);
  let adf;
  try {
    adf = parseAdf(text, 'ApplicationDefinition.adf');
  } catch (error) {
    fail(`the ADF does not parse (${(error as Error).message})`);
    return;
  }
  const props = adf.properties;
  for (const name of ['DisplayName', 'Guid', 'Manufacturer', 'Version', 'ApplicationDescription']) if (!Object.hasOwn(props, name)) fail(`the ADF has no application property ${name}`);
  if (props['DisplayName'] !== application) fail(`the ADF's DisplayName is ${JSON.stringify(props['DisplayName'])}, not the ProductName`);
  if (props['Manufacturer'] !== 'Generated by BizTalk Application Deployment') fail(`the ADF's Manufacturer is ${JSON.stringify(props['Manufacturer'])}`);
  if (!adf.references.includes('BizTalk.System')) fail('the ADF does not reference BizTalk.System');
  if (inner.size !== adf.resources.length) fail(`the ADF lists ${adf.resources.length} resources for ${inner.size} inner cabinets`);
  for (const resource of adf.resources) {
    const where = `resource ${resource.luid}`;
    const expected = ADF_TYPES[resource.type];
    for (const name of [...(expected === undefined ? [] : ['SourceLocation', 'DestinationLocation']), 'ShortCabinetName']) {
      if (!Object.hasOwn(resource.properties, name)) fail(`${where} has no ${name}`);
    }
    if (expected !== undefined) {
      for (const name of expected.properties) if (!Object.hasOwn(resource.properties, name)) fail(`${where} has no ${name}`);
      for (const name of expected.absent ?? []) if (Object.hasOwn(resource.properties, name)) fail(`${where} has ${name}, which BizTalk does not write for ${resource.type}`);
      for (const file of resource.files) if (file.key !== expected.key(file.relativePath) && !(file.key.startsWith(expected.key(file.relativePath)) && /\d+$/.test(file.key))) fail(`${where}'s file ${file.relativePath} has Key ${file.key}`);
    }
    for (const name of ['CreationTime', 'LastAccessTime', 'LastWriteTime']) {
      const value = resource.properties[name];
      if (value !== undefined && !ADF_TIME.test(value)) fail(`${where}'s ${name} ${JSON.stringify(value)} is not yyyy-MM-dd HH:mm:ssZ`);
    }
    const cabinet = resource.properties['ShortCabinetName'] ?? '';
    const bytes = inner.get(cabinet);
    if (bytes === undefined) {
      fail(`${where} names ${cabinet}, which the outer cabinet does not hold`);
      continue;
    }
    checkCabinet(bytes, 18, cabinet, fail);
    let entries;
    try {
      entries = readCabinet(bytes, { source: cabinet });
    } catch (error) {
      fail(`${cabinet} does not read (${(error as Error).message})`);
      continue;
    }
    const kind = resource.type.slice(resource.type.lastIndexOf(':') + 1);
    const wantedFolder =
      kind === 'BizTalkAssembly' || kind === 'Assembly'
        ? assemblyFolderHash(resource.luid)
        : kind === 'WebDirectory'
          ? resource.luid.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '').replace(/\//g, '-')
          : kind === 'BizTalkBinding' && resource.luid === `Application/${application}`
            ? bindingFolder(application)
            : undefined;
    const paths = entries.map((e) => e.name);
    const listed = resource.files.map((file) => file.relativePath);
    paths.forEach((path, i) => {
      const parts = path.split('\\');
      if (parts[0] !== kind || parts.length < 3) fail(`${cabinet} entry ${path} is not ${kind}\\<folder>\\<file>`);
      else if (wantedFolder !== undefined && parts[1] !== wantedFolder) fail(`${cabinet} entry ${path} is not in folder ${wantedFolder}`);
      if (parts.slice(2).join('\\') !== listed[i]) fail(`${cabinet} entry ${path} is not the ADF's file ${listed[i] ?? '(none)'}`);
    });
    if (paths.length !== listed.length) fail(`${cabinet} holds ${paths.length} files; the ADF lists ${listed.length}`);
    if (kind === 'BizTalkBinding' && resource.luid === `Application/${application}` && paths[0] !== `BizTalkBinding\\${bindingFolder(application)}\\BindingInfo.xml`) fail(`the generated bindings are at ${paths[0] ?? '(nowhere)'}`);
  }
}
