// The installer template BizTalk fills when it exports an application (a Visual Studio setup project's database,
// see shared/REAL-MSI.md): the full set of 90 Windows Installer tables with their columns, and the rows every export
// carries (AppSearch/RegLocator for BizTalk's install path, the launch condition, the CustomAction.exe install and
// uninstall actions, the uninstall registry entry, Upgrade, the two components, DefaultFeature, the Directory tree).
// Only the parts marked per application change from one export to the next.
import { createHash } from 'node:crypto';
import type { CellValue, ColumnDefinition, TableDefinition } from './msi-writer.js';

/**
 * Table schemas in .idt notation (what `msidb -e` and `msiinfo export` print): `*` marks a primary key column;
 * `s`/`S` string (upper case = nullable), `l`/`L` localizable string, `i2`/`I2`, `i4`/`I4` integers, `v0`/`V0` streams;
 * the number is the maximum length.
 */
const SCHEMA: Record<string, string> = {
  _Validation: '*Table s32,*Column s32,Nullable s4,MinValue I4,MaxValue I4,KeyTable S255,KeyColumn I2,Category S32,Set S255,Description S255',
  _VsdLaunchCondition: '*Condition s255,Description l255,Url S0',
  ActionText: '*Action s72,Description L0,Template L0',
  AdminExecuteSequence: '*Action s72,Condition S255,Sequence I2',
  AdminUISequence: '*Action s72,Condition S255,Sequence I2',
  AdvtExecuteSequence: '*Action s72,Condition S255,Sequence I2',
  AdvtUISequence: '*Action s72,Condition S255,Sequence I2',
  AppId: '*AppId s38,RemoteServerName S255,LocalService S255,ServiceParameters S255,DllSurrogate S255,ActivateAtStorage I2,RunAsInteractiveUser I2',
  AppSearch: '*Property s72,*Signature_ s72',
  BBControl: '*Billboard_ s50,*BBControl s50,Type s50,X i2,Y i2,Width i2,Height i2,Attributes I4,Text L50',
  Billboard: '*Billboard s50,Feature_ s38,Action S50,Ordering I2',
  Binary: '*Name s72,Data v0',
  BindImage: '*File_ s72,Path S255',
  CCPSearch: '*Signature_ s72',
  CheckBox: '*Property s72,Value S64',
  Class: '*CLSID s38,*Context s32,*Component_ s72,ProgId_Default S255,Description L255,AppId_ S38,FileTypeMask S255,Icon_ S72,IconIndex I2,DefInprocHandler S32,Argument S255,Feature_ s38,Attributes I2',
  ComboBox: '*Property s72,*Order i2,Value s64,Text L64',
  CompLocator: '*Signature_ s72,ComponentId s38,Type I2',
  Complus: '*Component_ s72,*ExpType I2',
  Component: '*Component s72,ComponentId S38,Directory_ s72,Attributes i2,Condition S255,KeyPath S72',
  Condition: '*Feature_ s38,*Level i2,Condition S255',
  Control: '*Dialog_ s72,*Control s50,Type s20,X i2,Y i2,Width i2,Height i2,Attributes I4,Property S72,Text L0,Control_Next S50,Help L50',
  ControlCondition: '*Dialog_ s72,*Control_ s50,*Action s50,*Condition s255',
  ControlEvent: '*Dialog_ s72,*Control_ s50,*Event s50,*Argument s255,*Condition S255,Ordering I2',
  CreateFolder: '*Directory_ s72,*Component_ s72',
  CustomAction: '*Action s72,Type i2,Source S72,Target S255',
  Dialog: '*Dialog s72,HCentering i2,VCentering i2,Width i2,Height i2,Attributes I4,Title L128,Control_First s50,Control_Default S50,Control_Cancel S50',
  Directory: '*Directory s72,Directory_Parent S72,DefaultDir l255',
  DrLocator: '*Signature_ s72,*Parent S72,*Path S255,Depth I2',
  DuplicateFile: '*FileKey s72,Component_ s72,File_ s72,DestName L255,DestFolder S72',
  Environment: '*Environment s72,Name l255,Value L255,Component_ s72',
  Error: '*Error i2,Message L0',
  EventMapping: '*Dialog_ s72,*Control_ s50,*Event s50,Attribute s50',
  Extension: '*Extension s255,*Component_ s72,ProgId_ S255,MIME_ S64,Feature_ s38',
  Feature: '*Feature s38,Feature_Parent S38,Title L64,Description L255,Display I2,Level i2,Directory_ S72,Attributes i2',
  FeatureComponents: '*Feature_ s38,*Component_ s72',
  File: '*File s72,Component_ s72,FileName l255,FileSize i4,Version S72,Language S20,Attributes I2,Sequence i2',
  FileSFPCatalog: '*File_ s72,*SFPCatalog_ s255',
  Font: '*File_ s72,FontTitle S128',
  Icon: '*Name s72,Data v0',
  IniFile: '*IniFile s72,FileName l255,DirProperty S72,Section l96,Key l128,Value l255,Action i2,Component_ s72',
  IniLocator: '*Signature_ s72,FileName s255,Section s96,Key s128,Field I2,Type I2',
  InstallExecuteSequence: '*Action s72,Condition S255,Sequence I2',
  InstallUISequence: '*Action s72,Condition S255,Sequence I2',
  IsolatedComponent: '*Component_Shared s72,*Component_Application s72',
  LaunchCondition: '*Condition s255,Description l255',
  ListBox: '*Property s72,*Order i2,Value s64,Text L64',
  ListView: '*Property s72,*Order i2,Value s64,Text L64,Binary_ S72',
  LockPermissions: '*LockObject s72,*Table s32,*Domain S255,*User s255,Permission I4',
  Media: '*DiskId i2,LastSequence i2,DiskPrompt L64,Cabinet S255,VolumeLabel S32,Source S72',
  MIME: '*ContentType s64,Extension_ s255,CLSID S38',
  MoveFile: '*FileKey s72,Component_ s72,SourceName L255,DestName L255,SourceFolder S72,DestFolder s72,Options i2',
  MsiAssembly: '*Component_ s72,Feature_ s38,File_Manifest S72,File_Application S72,Attributes I2',
  MsiAssemblyName: '*Component_ s72,*Name s255,Value s255',
  MsiDigitalCertificate: '*DigitalCertificate s72,CertData v0',
  MsiDigitalSignature: '*Table s32,*SignObject s72,DigitalCertificate_ s72,Hash V0',
  MsiFileHash: '*File_ s72,Options i2,HashPart1 i4,HashPart2 i4,HashPart3 i4,HashPart4 i4',
  MsiLockPermissionsEx: '*MsiLockPermissionsEx s72,LockObject s72,Table s32,SDDL s0,Condition S255',
  MsiPatchHeaders: '*StreamRef s38,Header v0',
  MsiServiceConfig: '*MsiServiceConfig s72,Name s255,Event i2,ConfigType i4,Argument S0,Component_ s72',
  MsiServiceConfigFailureActions: '*MsiServiceConfigFailureActions s72,Name s255,Event i2,ResetPeriod I4,RebootMessage L255,Command L255,Actions S255,DelayActions S255,Component_ s72',
  MsiShortcutProperty: '*MsiShortcutProperty s72,Shortcut_ s72,PropertyKey s0,PropVariantValue s0',
  ODBCAttribute: '*Driver_ s72,*Attribute s40,Value L255',
  ODBCDataSource: '*DataSource s72,Component_ s72,Description s255,DriverDescription s255,Registration i2',
  ODBCDriver: '*Driver s72,Component_ s72,Description s255,File_ s72,File_Setup S72',
  ODBCSourceAttribute: '*DataSource_ s72,*Attribute s32,Value L255',
  ODBCTranslator: '*Translator s72,Component_ s72,Description s255,File_ s72,File_Setup S72',
  Patch: '*File_ s72,*Sequence i2,PatchSize i4,Attributes i2,Header V0,StreamRef_ S38',
  PatchPackage: '*PatchId s38,Media_ i2',
  ProgId: '*ProgId s255,ProgId_Parent S255,Class_ S38,Description L255,Icon_ S72,IconIndex I2',
  Property: '*Property s72,Value l0',
  PublishComponent: '*ComponentId s38,*Qualifier s255,*Component_ s72,AppData L255,Feature_ s38',
  RadioButton: '*Property s72,*Order i2,Value s64,X i2,Y i2,Width i2,Height i2,Text L64,Help L50',
  Registry: '*Registry s72,Root i2,Key l255,Name L255,Value L0,Component_ s72',
  RegLocator: '*Signature_ s72,Root i2,Key s255,Name S255,Type I2',
  RemoveFile: '*FileKey s72,Component_ s72,FileName L255,DirProperty s72,InstallMode i2',
  RemoveIniFile: '*RemoveIniFile s72,FileName l255,DirProperty S72,Section l96,Key l128,Value L255,Action i2,Component_ s72',
  RemoveRegistry: '*RemoveRegistry s72,Root i2,Key l255,Name L255,Component_ s72',
  ReserveCost: '*ReserveKey s72,Component_ s72,ReserveFolder S72,ReserveLocal i4,ReserveSource i4',
  SelfReg: '*File_ s72,Cost I2',
  ServiceControl: '*ServiceControl s72,Name l255,Event i2,Arguments L255,Wait I2,Component_ s72',
  ServiceInstall: '*ServiceInstall s72,Name s255,DisplayName L255,ServiceType i4,StartType i4,ErrorControl i4,LoadOrderGroup S255,Dependencies S255,StartName S255,Password S255,Arguments S255,Component_ s72,Description L255',
  SFPCatalog: '*SFPCatalog s255,Catalog v0,Dependency S0',
  Shortcut: '*Shortcut s72,Directory_ s72,Name l128,Component_ s72,Target s72,Arguments S255,Description L255,Hotkey I2,Icon_ S72,IconIndex I2,ShowCmd I2,WkDir S72',
  Signature: '*Signature s72,FileName s255,MinVersion S20,MaxVersion S20,MinSize I4,MaxSize I4,MinDate I4,MaxDate I4,Languages S255',
  TextStyle: '*TextStyle s72,FaceName s32,Size i2,Color I4,StyleBits I2',
  TypeLib: '*LibID s38,*Language i2,*Component_ s72,Version I4,Description L128,Directory_ S72,Feature_ s38,Cost I4',
  UIText: '*Key s72,Text L255',
  Upgrade: '*UpgradeCode s38,*VersionMin S20,*VersionMax S20,*Language S255,*Attributes i4,Remove S255,ActionProperty s72',
  Verb: '*Extension_ s255,*Verb s32,Sequence I2,Command L255,Argument L255',
};

/** Every table of the template, in _Tables order. */
export const TEMPLATE_TABLE_NAMES: readonly string[] = Object.keys(SCHEMA).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The columns of a template table, parsed from its .idt notation. */
export function templateColumns(table: string): ColumnDefinition[] {
  const spec = SCHEMA[table];
  if (spec === undefined) throw new RangeError(`the BizTalk installer template has no ${table} table`);
  return spec.split(',').map((column) => {
    const [rawName, type] = column.split(' ') as [string, string];
    const key = rawName.startsWith('*');
    const letter = type[0]!;
    const size = Number(type.slice(1));
    const nullable = letter === letter.toUpperCase();
    const lower = letter.toLowerCase();
    const kind = lower === 'i' ? (size === 2 ? 'i2' : 'i4') : lower === 'v' ? 'binary' : 'string';
    return {
      name: key ? rawName.slice(1) : rawName,
      kind,
      ...(kind === 'string' ? { size } : {}),
      ...(key ? { key: true } : {}),
      ...(nullable ? { nullable: true } : {}),
      ...(lower === 'l' ? { localizable: true } : {}),
    } as ColumnDefinition;
  });
}

/** The `Binary.*` streams of the template: the setup project's custom-action DLL and its dialog bitmaps. */
export const TEMPLATE_BINARY_NAMES = ['DefBannerBitmap', 'MSVBDPCADLL', 'NewFldrBtn', 'UpFldrBtn', 'VSDNETCFG'] as const;

/**
 * The bytes of the `Binary.*` streams are Microsoft's (a custom-action DLL and bitmaps from Visual Studio's setup
 * project), not ours to ship. The simulator writes a small placeholder under each real name instead; nothing in
 * BizTalkBackup reads them, and `msiexec` of a simulator MSI is not something this project does.
 */
export function binaryPlaceholder(name: string): Uint8Array {
  return new TextEncoder().encode(`BizTalkBackup placeholder for Binary.${name}: the real bytes are Microsoft's and are not reproduced.\r\n`);
}

/** BizTalk's registry key, read by AppSearch for the install path, product name and product code. */
export const BIZTALK_REGISTRY_KEY = 'SOFTWARE\\Microsoft\\BizTalk Server\\3.0';
/**
 * The product code the launch condition compares BTSVERSION with. A stand-in value: the real template carries the
 * product code of the BizTalk release that exported it.
 */
export const BIZTALK_PRODUCT_CODE = '{A3C1C3DB-0A48-4E6E-8C1E-3F3B0C8B5F2A}';
/** Summary information the template keeps from when it was authored (not the exporting user, not the export time). */
export const TEMPLATE_LAST_AUTHOR = 'BizTalk Server';
export const TEMPLATE_LAST_PRINTED = new Date(Date.UTC(2010, 2, 18, 9, 12, 40));
export const TEMPLATE_LAST_SAVED = new Date(Date.UTC(2012, 6, 26, 14, 3, 22));
export const DEPLOYMENT_ENGINE = 'Microsoft.BizTalk.ApplicationDeployment.Engine, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
export const MSI_MANUFACTURER = 'Generated by BizTalk';
export const ARP_COMMENTS = 'Generated BizTalk User Application Package';
export const SECURE_CUSTOM_PROPERTIES = 'NEWERPRODUCTFOUND;BTSVERSION;BTSPATH;BTSPRODUCTNAME';
export const UNINSTALL_KEY = 'Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\[ProductName]';

/** `_<32 upper-case hex>`: a fixed template key, the same in every export. */
function templateKey(label: string): string {
  return `_${createHash('md5').update(`biztalk-template:${label}`, 'utf8').digest('hex').toUpperCase()}`;
}

export interface TemplateValues {
  application: string;
  productCode: string;
  upgradeCode: string;
  /** `_<32 hex>` File key of ApplicationDefinition.adf. */
  adfFileKey: string;
  /** `C__<32 hex>`: the component holding every file, in ADFDIR. */
  filesComponent: string;
  filesComponentId: string;
  /** `C__<32 hex>`: the per-application component in TARGETDIR, keyed by a registry row. */
  applicationComponent: string;
  applicationComponentId: string;
  /** File rows, already keyed and sequenced. */
  files: CellValue[][];
  lastSequence: number;
  cabinetStream: string;
}

/** The rows of every template table for one export; tables left out are empty. */
export function templateRows(v: TemplateValues): Record<string, CellValue[][]> {
  const sig = { path: templateKey('sig:BTSPATH'), name: templateKey('sig:BTSPRODUCTNAME'), version: templateKey('sig:BTSVERSION') };
  const dir = { shared: templateKey('dir:Microsoft Shared'), biztalk: templateKey('dir:BizTalk Server'), deployment: templateKey('dir:Application Deployment') };
  const reg = (label: string): string => templateKey(`reg:${label}`);
  const adf = `[#${v.adfFileKey}]`;
  const command = (action: 'install' | 'uninstall'): string =>
    `[BTSPATH]CustomAction.exe /installtype=notransaction /action=${action} /LogFile= /MSITargetDir="[ADFDIR]\\" "${adf}" "[VSDFxConfigFile]"`;
  const ui = [
    ['FindRelatedProducts', null, 200],
    ['AppSearch', null, 400],
    ['VSDCA_VsdLaunchConditions', 'NOT Installed', 410],
    ['LaunchConditions', null, 420],
    ['ERRCA_UIANDADVERTISED', 'ProductState=1', 430],
    ['ValidateProductID', null, 700],
    ['DIRCA_TARGETDIR', 'TARGETDIR=""', 750],
    ['CostInitialize', null, 800],
    ['FileCost', null, 900],
    ['CostFinalize', null, 1000],
    ['ERRCA_CANCELNEWERVERSION', 'NEWERPRODUCTFOUND AND NOT Installed', 1300],
    ['ExecuteAction', null, 1400],
  ];
  return {
    _VsdLaunchCondition: [[`BTSVERSION = "${BIZTALK_PRODUCT_CODE}"`, `[ProductName] requires BizTalk Server. Install BizTalk Server, then run this setup again.`, null]],
    AppSearch: [
      ['BTSPATH', sig.path],
      ['BTSPRODUCTNAME', sig.name],
      ['BTSVERSION', sig.version],
    ],
    RegLocator: [
      [sig.path, 2, BIZTALK_REGISTRY_KEY, 'InstallPath', 2],
      [sig.name, 2, BIZTALK_REGISTRY_KEY, 'ProductName', 2],
      [sig.version, 2, BIZTALK_REGISTRY_KEY, 'ProductCode', 2],
    ],
    LaunchCondition: [['Installed OR BTSPATH', 'BizTalk Server is not installed on this computer: [ProductName] installs only where BizTalk Server is installed.']],
    Binary: TEMPLATE_BINARY_NAMES.map((name) => [name, '[stream]']),
    CustomAction: [
      ['CA_Install', 3106, 'ADFDIR', command('install')],
      ['CA_Uninstall', 3106, 'ADFDIR', command('uninstall')],
      ['DIRCA_CheckFX', 1, 'MSVBDPCADLL', 'CheckFX'],
      ['DIRCA_TARGETDIR', 307, 'TARGETDIR', '[ProgramFilesFolder][Manufacturer]\\[ProductName]'],
      ['ERRCA_CANCELNEWERVERSION', 19, null, '[VSDVERSIONMSG]'],
      ['ERRCA_UIANDADVERTISED', 19, null, '[VSDUIANDADVERTISED]'],
      ['VSDCA_VsdLaunchConditions', 1, 'MSVBDPCADLL', 'VsdLaunchConditions'],
    ],
    InstallUISequence: ui,
    InstallExecuteSequence: [
      ...ui.filter(([action]) => action !== 'ExecuteAction' && action !== 'ERRCA_UIANDADVERTISED'),
      ['DIRCA_CheckFX', null, 1350],
      ['InstallValidate', null, 1400],
      ['InstallInitialize', null, 1500],
      ['RemoveExistingProducts', null, 1525],
      ['ProcessComponents', null, 1600],
      ['CA_Uninstall', `$${v.filesComponent}=2`, 1700],
      ['UnpublishFeatures', null, 1800],
      ['RemoveRegistryValues', null, 2600],
      ['RemoveFiles', null, 3500],
      ['InstallFiles', null, 4000],
      ['WriteRegistryValues', null, 5000],
      ['RegisterUser', null, 6000],
      ['RegisterProduct', null, 6100],
      ['PublishFeatures', null, 6300],
      ['PublishProduct', null, 6400],
      ['CA_Install', `$${v.filesComponent}>2`, 6500],
      ['InstallFinalize', null, 6600],
    ],
    AdminUISequence: [
      ['CostInitialize', null, 800],
      ['FileCost', null, 900],
      ['CostFinalize', null, 1000],
      ['ExecuteAction', null, 1300],
    ],
    AdminExecuteSequence: [
      ['CostInitialize', null, 800],
      ['FileCost', null, 900],
      ['CostFinalize', null, 1000],
      ['InstallValidate', null, 1400],
      ['InstallInitialize', null, 1500],
      ['InstallAdminPackage', null, 3900],
      ['InstallFiles', null, 4000],
      ['InstallFinalize', null, 6600],
    ],
    AdvtExecuteSequence: [
      ['CostInitialize', null, 800],
      ['CostFinalize', null, 1000],
      ['InstallValidate', null, 1400],
      ['InstallInitialize', null, 1500],
      ['PublishFeatures', null, 6300],
      ['PublishProduct', null, 6400],
      ['InstallFinalize', null, 6600],
    ],
    Error: [[1001, 'Error [1]: [2]']],
    TextStyle: [['VsdDefaultUIFont.524F4245_5254_5341_4C45_534153783400', 'Tahoma', 8, null, null]],
    Registry: [
      [reg('key'), 2, UNINSTALL_KEY, '*', null, v.applicationComponent],
      [reg('key:ProductCode'), 2, `${UNINSTALL_KEY}\\[ProductCode]`, '*', null, v.filesComponent],
      [reg('DisplayName'), 2, UNINSTALL_KEY, 'DisplayName', '[ProductName]', v.applicationComponent],
      [reg('Uninstallstring'), 2, UNINSTALL_KEY, 'Uninstallstring', '[BTSPATH]BtsTask.exe UninstallApp -ApplicationName:"[ProductName]"', v.applicationComponent],
      [reg('NoModify'), 2, UNINSTALL_KEY, 'NoModify', '#1', v.applicationComponent],
      [reg('NoRepair'), 2, UNINSTALL_KEY, 'NoRepair', '#1', v.applicationComponent],
      [reg('Readme'), 2, UNINSTALL_KEY, 'Readme', 'file://[TARGETDIR]Readme.htm', v.applicationComponent],
      [reg('URLInfoAbout'), 2, UNINSTALL_KEY, 'URLInfoAbout', '[ARPURLINFOABOUT]', v.applicationComponent],
      [reg('Contact'), 2, UNINSTALL_KEY, 'Contact', '[ARPCONTACT]', v.applicationComponent],
    ],
    Upgrade: [[v.upgradeCode, '1.0.0', null, null, 258, null, 'NEWERPRODUCTFOUND']],
    Directory: [
      ['TARGETDIR', null, 'SourceDir'],
      ['CommonFilesFolder', 'TARGETDIR', '.'],
      [dir.shared, 'CommonFilesFolder', 'MICROS~1|Microsoft Shared'],
      [dir.biztalk, dir.shared, 'BIZTAL~1|BizTalk Server'],
      [dir.deployment, dir.biztalk, 'APPLIC~1|Application Deployment'],
      ['ADFDIR', 'TARGETDIR', v.productCode.replace(/[{}]/g, '')],
    ],
    Component: [
      [v.filesComponent, v.filesComponentId, 'ADFDIR', 0, null, v.adfFileKey],
      [v.applicationComponent, v.applicationComponentId, 'TARGETDIR', 4, 'NOT EXTRACTCABSONLY', reg('DisplayName')],
    ],
    Feature: [['DefaultFeature', null, null, null, 2, 1, 'TARGETDIR', 0]],
    FeatureComponents: [
      ['DefaultFeature', v.applicationComponent],
      ['DefaultFeature', v.filesComponent],
    ],
    File: v.files,
    Media: [[1, v.lastSequence, null, `#${v.cabinetStream}`, null, null]],
    Property: templateProperties(v),
  };
}

/** The 43 rows of the Property table. */
function templateProperties(v: TemplateValues): CellValue[][] {
  return [
    ['ProductName', v.application],
    ['ProductCode', v.productCode],
    ['ProductVersion', '1.0.0.0'],
    ['ProductLanguage', '1033'],
    ['Manufacturer', MSI_MANUFACTURER],
    ['UpgradeCode', v.upgradeCode],
    ['ALLUSERS', '1'],
    ['ARPNOREPAIR', '1'],
    ['ARPNOMODIFY', '1'],
    ['ARPSYSTEMCOMPONENT', '1'],
    ['ARPCOMMENTS', ARP_COMMENTS],
    ['ARPCONTACT', MSI_MANUFACTURER],
    ['ARPURLINFOABOUT', 'http://www.microsoft.com/biztalk'],
    ['SecureCustomProperties', SECURE_CUSTOM_PROPERTIES],
    ['AgreeToLicense', '1'],
    ['ApplicationUsers', 'AllUsers'],
    ['FolderForm_AllUsers', 'ALL'],
    ['FolderForm_AllUsersVisible', '0'],
    ['DefaultUIFont', 'VsdDefaultUIFont.524F4245_5254_5341_4C45_534153783400'],
    ['ErrorDialog', 'ErrorDialog'],
    ['SFF_UpFldrBtn', 'UpFldrBtn'],
    ['SFF_NewFldrBtn', 'NewFldrBtn'],
    ['WelcomeForm_NextArgs', 'FolderForm'],
    ['FolderForm_PrevArgs', 'WelcomeForm'],
    ['FolderForm_NextArgs', 'ConfirmInstallForm'],
    ['ConfirmInstallForm_PrevArgs', 'FolderForm'],
    ['AdminWelcomeForm_NextArgs', 'AdminFolderForm'],
    ['AdminFolderForm_PrevArgs', 'AdminWelcomeForm'],
    ['AdminFolderForm_NextArgs', 'AdminConfirmInstallForm'],
    ['AdminConfirmInstallForm_PrevArgs', 'AdminFolderForm'],
    ['MaintenanceForm_Action', 'Repair'],
    ['VSDSupportedRuntimes', '4.0.30319'],
    ['VSDFrameworkVersion', 'v4.0'],
    ['VSDFrameworkProfile', 'Full'],
    ['VSDAllowLaterFrameworkVersions', 'False'],
    ['VSDNETMSG', 'This setup requires the .NET Framework version [1].  Please install the .NET Framework and run this setup again.'],
    ['VSDNETURLMSG', 'This setup requires the .NET Framework version [1].  Please install the .NET Framework and run this setup again.  The .NET Framework can be obtained from the web.  Would you like to do this now?'],
    ['VSDIISMSG', 'This setup requires Internet Information Server 5.1 or higher and Windows XP or higher.  This setup cannot be installed on Windows 2000.  Please install Internet Information Server or a newer operating system and run this setup again.'],
    ['VSDUIANDADVERTISED', 'This advertised application will not be installed because it might be unsafe. Contact your administrator to change the installation user interface option of the package to basic.'],
    ['VSDINVALIDURLMSG', 'The specified path \'[2]\' is unavailable. The Internet Information Server might not be running or the path exists and is redirected to another machine. Please check the status of this virtual directory in the Internet Services Manager.'],
    ['VSDVERSIONMSG', 'Unable to install because a newer version of this product is already installed.'],
    ['VSDFxConfigFile', '[ADFDIR]BizTalkDeployment.config'],
    ['ErrorDialogText', 'BizTalk application installation failed: [1]'],
  ];
}

/**
 * `_Validation` rows for every column of every table (as a setup project's database has them): nullability,
 * the key table a foreign-key column points to, and a category from the column's type.
 */
export function validationRows(tables: readonly string[]): CellValue[][] {
  const rows: CellValue[][] = [];
  for (const table of tables) {
    for (const column of templateColumns(table)) {
      const foreign = column.name.endsWith('_') && column.name.length > 1 ? column.name.replace(/_+$/, '') : null;
      const category =
        column.kind === 'binary' ? 'Binary' : column.kind !== 'string' ? null : column.key === true ? 'Identifier' : column.localizable === true ? 'Formatted' : 'Text';
      rows.push([
        table,
        column.name,
        column.nullable === true ? 'Y' : 'N',
        column.kind === 'i2' ? -32767 : column.kind === 'i4' ? -2147483647 : null,
        column.kind === 'i2' ? 32767 : column.kind === 'i4' ? 2147483647 : null,
        foreign !== null && SCHEMA[foreign] !== undefined ? foreign : null,
        foreign !== null && SCHEMA[foreign] !== undefined ? 1 : null,
        category,
        null,
        null,
      ]);
    }
  }
  return rows;
}

/** All 90 tables, with the template's rows for one export. */
export function templateTables(v: TemplateValues): TableDefinition[] {
  const rows = templateRows(v);
  return TEMPLATE_TABLE_NAMES.map((name) => ({
    name,
    columns: templateColumns(name),
    rows: name === '_Validation' ? validationRows(TEMPLATE_TABLE_NAMES) : rows[name] ?? [],
  }));
}
