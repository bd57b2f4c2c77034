import { ResourceType, SYSTEM_APPLICATION } from '../../core/model.js';
import { buildBindingInfo, type BindingSpec } from './binding-builder.js';
import { GROUP_STATE_SCHEMA_VERSION, type ApplicationState, type GroupState, type ResourceState } from './group-state.js';

/**
 * The embedded sample group: what a newcomer exports first, and what the tests start from.
 * Contoso's integration platform: shared schemas referenced by a chain Orders -> Billing -> Portal, a BRE policy,
 * a web directory, an SFTP and an FTP send port with passwords, an application whose name has a space and an umlaut,
 * and an orchestration assembly that needs a helper DLL found only in the GAC (the "DLL not in the MSI" case).
 */
const TOKEN = 'f1e2d3c4b5a69788';
const MS_TOKEN = '31bf3856ad364e35';
export const SAMPLE_FTP_PASSWORD = 'Ftp-Pa55word!';
export const SAMPLE_SFTP_PASSWORD = 'Sftp-S3cret#2026';

const asm = (name: string, version = '1.0.0.0', token: string | null = TOKEN): string =>
  `${name}, Version=${version}, Culture=neutral, PublicKeyToken=${token ?? 'null'}`;

const XLANGS = asm('Microsoft.XLANGs.BaseTypes', '3.0.1.0', MS_TOKEN);
const BTS_PIPELINE = asm('Microsoft.BizTalk.Pipeline', '3.0.1.0', MS_TOKEN);
const MSCORLIB = asm('mscorlib', '4.0.0.0', 'b77a5c561934e089');

export const SAMPLE_ASSEMBLIES = {
  sharedSchemas: asm('Contoso.Shared.Schemas'),
  sharedPipelines: asm('Contoso.Shared.Pipelines'),
  ordersOrchestrations: asm('Contoso.Orders.Orchestrations', '1.2.0.0'),
  ordersMaps: asm('Contoso.Orders.Maps', '1.2.0.0'),
  helpers: asm('Contoso.Common.Helpers', '2.1.0.0'),
  billingOrchestrations: asm('Contoso.Billing.Orchestrations'),
  billingFacts: asm('Contoso.Billing.Facts'),
  portalSchemas: asm('Contoso.Portal.Schemas'),
  zahlungSchemas: asm('Contoso.Zahlungsverkehr.Schemas'),
} as const;

function bizTalkAssembly(fullName: string, references: string[], fileName: string): ResourceState {
  return {
    type: ResourceType.BizTalkAssembly,
    luid: fullName,
    properties: {
      FullName: fullName,
      SourceLocation: `C:\\Build\\Contoso\\bin\\${fileName}`,
      DestinationLocation: `%BTAD_InstallDir%\\${fileName}`,
      UpdateGac: 'True',
      UpdateGacOnImport: 'True',
      Gacutil: 'True',
    },
    files: [{ name: fileName, assembly: { fullName, references: [MSCORLIB, ...references] } }],
  };
}

function app(name: string, description: string, references: string[], resources: ResourceState[], bindings?: BindingSpec): ApplicationState {
  return {
    name,
    description,
    isSystem: false,
    isDefault: false,
    status: 'Started',
    references,
    resources,
    ...(bindings === undefined ? {} : { bindings: buildBindingInfo(bindings) }),
  };
}

const fileTransport = (address: string, host: string) => ({ adapter: 'FILE', address, props: { FileMask: '*.xml', BatchSize: '20' }, host, hostTrusted: false });

export function createSampleGroupState(): GroupState {
  const a = SAMPLE_ASSEMBLIES;
  const shared = app(
    'Contoso.Shared',
    'Canonical schemas and pipelines shared by every Contoso application',
    [],
    [bizTalkAssembly(a.sharedSchemas, [XLANGS], 'Contoso.Shared.Schemas.dll'), bizTalkAssembly(a.sharedPipelines, [BTS_PIPELINE, a.sharedSchemas], 'Contoso.Shared.Pipelines.dll')],
    { application: 'Contoso.Shared', modules: [{ fullName: a.sharedSchemas, services: [] }, { fullName: a.sharedPipelines, services: [] }], sendPorts: [], receivePorts: [] },
  );
  const orders = app(
    'Contoso.Orders',
    'Order intake from the web shop and EDI partners',
    ['Contoso.Shared'],
    [
      bizTalkAssembly(a.ordersOrchestrations, [XLANGS, a.sharedSchemas, a.helpers], 'Contoso.Orders.Orchestrations.dll'),
      bizTalkAssembly(a.ordersMaps, [XLANGS, a.sharedSchemas], 'Contoso.Orders.Maps.dll'),
    ],
    {
      application: 'Contoso.Orders',
      modules: [
        {
          fullName: a.ordersOrchestrations,
          services: [{ name: 'Contoso.Orders.Orchestrations.ProcessOrder', host: 'BizTalkServerApplication', hostTrusted: false, ports: [{ name: 'ReceiveOrder', receivePort: 'Orders.Receive' }, { name: 'SendToWarehouse', sendPort: 'Orders.Send.Warehouse' }] }],
        },
        { fullName: a.ordersMaps, services: [] },
      ],
      receivePorts: [{ name: 'Orders.Receive', locations: [{ name: 'Orders.Receive.File', enabled: true, transport: fileTransport('\\\\fileserver\\drop\\orders\\in\\*.xml', 'ReceiveHost') }] }],
      sendPorts: [
        { name: 'Orders.Send.Warehouse', transport: fileTransport('\\\\fileserver\\drop\\warehouse\\%MessageID%.xml', 'SendHost') },
        { name: 'Orders.Send.Archive', transport: fileTransport('\\\\fileserver\\archive\\orders\\%MessageID%.xml', 'SendHost'), filter: [{ property: 'BTS.ReceivePortName', value: 'Orders.Receive' }] },
      ],
    },
  );
  orders.orchestrations = [{ name: 'Contoso.Orders.Orchestrations.ProcessOrder', assembly: a.ordersOrchestrations, host: 'BizTalkServerApplication' }];
  const billing = app(
    'Contoso.Billing',
    'Invoicing, with the discount rules in a BRE policy',
    ['Contoso.Orders', 'Contoso.Shared'],
    [
      bizTalkAssembly(a.billingOrchestrations, [XLANGS, a.sharedSchemas, a.billingFacts], 'Contoso.Billing.Orchestrations.dll'),
      {
        type: ResourceType.Assembly,
        luid: a.billingFacts,
        properties: { FullName: a.billingFacts, SourceLocation: 'C:\\Build\\Contoso\\bin\\Contoso.Billing.Facts.dll', DestinationLocation: '%BTAD_InstallDir%\\Contoso.Billing.Facts.dll', UpdateGac: 'True', UpdateGacOnImport: 'True', Gacutil: 'True' },
        files: [{ name: 'Contoso.Billing.Facts.dll', assembly: { fullName: a.billingFacts, references: [MSCORLIB] } }],
      },
      {
        type: ResourceType.Rules,
        luid: 'RULE/Contoso.Billing.Discounts/1.2',
        properties: { PolicyName: 'Contoso.Billing.Discounts', MajorVersion: '1', MinorVersion: '2' },
        files: [{ name: 'Contoso.Billing.Discounts.xml', text: '<?xml version="1.0" encoding="utf-8"?>\r\n<brl xmlns="http://schemas.microsoft.com/businessruleslanguage/2002"><ruleset name="Contoso.Billing.Discounts"><version major="1" minor="2" /><rule name="LoyalCustomer" priority="0" active="true"><if><compare operator="greater_than_equal"><vocabularylink uri="Contoso" element="OrderTotal" /><rhs><constant><decimal>1000</decimal></constant></rhs></compare></if><then><function><vocabularylink uri="Contoso" element="SetDiscount" /><argument><constant><decimal>0.05</decimal></constant></argument></function></then></rule></ruleset></brl>\r\n' }],
      },
      {
        type: ResourceType.File,
        luid: 'Contoso.Billing.config',
        properties: { SourceLocation: 'C:\\Build\\Contoso\\config\\Contoso.Billing.config', DestinationLocation: '%BTAD_InstallDir%\\Contoso.Billing.config' },
        files: [{ name: 'Contoso.Billing.config', text: '<configuration><appSettings><add key="InvoicePrefix" value="INV-" /></appSettings></configuration>\r\n' }],
      },
    ],
    {
      application: 'Contoso.Billing',
      modules: [{ fullName: a.billingOrchestrations, services: [{ name: 'Contoso.Billing.Orchestrations.CreateInvoice', host: 'BizTalkServerApplication', hostTrusted: false, ports: [{ name: 'SendInvoice', sendPort: 'Billing.Send.Bank.Sftp' }] }] }],
      receivePorts: [],
      sendPorts: [
        {
          name: 'Billing.Send.Bank.Sftp',
          transport: {
            adapter: 'SFTP',
            address: 'sftp://sftp.bank.example:22/invoices/%MessageID%.xml',
            props: {},
            adapterConfig: { serverAddress: 'sftp.bank.example', port: '22', userName: 'contoso-billing', password: SAMPLE_SFTP_PASSWORD, targetFolder: '/invoices', targetFileName: '%MessageID%.xml' },
            host: 'SendHost',
            hostTrusted: false,
          },
          filter: [{ property: 'BTS.MessageType', value: 'http://contoso.com/billing#Invoice' }],
        },
      ],
    },
  );
  billing.orchestrations = [{ name: 'Contoso.Billing.Orchestrations.CreateInvoice', assembly: a.billingOrchestrations, host: 'BizTalkServerApplication' }];
  billing.policies = [{ name: 'Contoso.Billing.Discounts', version: '1.2' }];
  const portal = app(
    'Contoso.Portal',
    'Customer portal web service published through IIS',
    ['Contoso.Billing'],
    [
      bizTalkAssembly(a.portalSchemas, [XLANGS, a.sharedSchemas], 'Contoso.Portal.Schemas.dll'),
      {
        type: ResourceType.WebDirectory,
        luid: 'http://localhost/ContosoPortalService',
        properties: { SourceLocation: 'C:\\inetpub\\wwwroot\\ContosoPortalService', DestinationLocation: 'http://localhost/ContosoPortalService' },
        files: [
          { name: 'Service.svc', text: '<%@ ServiceHost Language="c#" Factory="Microsoft.BizTalk.Adapter.Wcf.Runtime.WebServiceHostFactory, Microsoft.BizTalk.Adapter.Wcf.Runtime, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" %>\r\n' },
          { name: 'Web.config', text: '<configuration><system.serviceModel><serviceHostingEnvironment multipleSiteBindingsEnabled="true" /></system.serviceModel></configuration>\r\n' },
        ],
      },
    ],
    {
      application: 'Contoso.Portal',
      modules: [{ fullName: a.portalSchemas, services: [] }],
      sendPorts: [],
      receivePorts: [
        {
          name: 'Portal.Receive.Service',
          locations: [{ name: 'Portal.Receive.Service.WCF', enabled: true, transport: { adapter: 'WCF-BasicHttp', address: '/ContosoPortalService/Service.svc', props: {}, adapterConfig: { messageClientCredentialType: 'UserName', securityMode: 'None' }, host: 'BizTalkServerIsolatedHost', hostTrusted: false } }],
        },
      ],
    },
  );
  const zahlung = app(
    'Zahlungsverkehr Süd',
    'Zahlungsverkehr mit den Banken in Süddeutschland',
    ['Contoso.Shared'],
    [bizTalkAssembly(a.zahlungSchemas, [XLANGS, a.sharedSchemas], 'Contoso.Zahlungsverkehr.Schemas.dll')],
    {
      application: 'Zahlungsverkehr Süd',
      modules: [{ fullName: a.zahlungSchemas, services: [] }],
      receivePorts: [],
      sendPorts: [
        {
          name: 'Zahlungsverkehr.Send.Bank.Ftp',
          transport: { adapter: 'FTP', address: 'ftp://ftp.bank-sued.example:21/zahlungen', props: { serverAddress: 'ftp.bank-sued.example', serverPort: '21', userName: 'contoso', password: SAMPLE_FTP_PASSWORD, targetFolder: 'zahlungen' }, host: 'SendHost', hostTrusted: false },
        },
      ],
    },
  );
  const system: ApplicationState = {
    name: SYSTEM_APPLICATION,
    description: 'BizTalk Application Framework',
    isSystem: true,
    isDefault: false,
    status: 'NotApplicable',
    references: [],
    resources: [bizTalkAssembly(asm('Microsoft.BizTalk.GlobalPropertySchemas', '3.0.1.0', MS_TOKEN), [], 'Microsoft.BizTalk.GlobalPropertySchemas.dll')],
  };
  const defaultApp: ApplicationState = { name: 'BizTalk Application 1', description: '', isSystem: false, isDefault: true, status: 'NotApplicable', references: [], resources: [] };

  const applications = [system, defaultApp, shared, orders, billing, portal, zahlung];
  const gacAssemblies = applications.flatMap((application) =>
    application.resources.flatMap((resource) => resource.files.flatMap((file) => (file.assembly === undefined ? [] : [{ assembly: { ...file.assembly, references: [...file.assembly.references] } }]))),
  );
  return {
    schemaVersion: GROUP_STATE_SCHEMA_VERSION,
    group: { server: 'SQLBTS01\\BIZTALK', database: 'BizTalkMgmtDb', biztalkVersion: '3.13.717.0', exportUser: 'CONTOSO\\svc-btsbackup' },
    hosts: [
      { name: 'BizTalkServerApplication', trusted: false, type: 'InProcess' },
      { name: 'BizTalkServerIsolatedHost', trusted: false, type: 'Isolated' },
      { name: 'ReceiveHost', trusted: false, type: 'InProcess' },
      { name: 'SendHost', trusted: false, type: 'InProcess' },
    ],
    handlers: [
      { adapter: 'FILE', host: 'ReceiveHost', direction: 'Receive' },
      { adapter: 'FILE', host: 'SendHost', direction: 'Send' },
      { adapter: 'FTP', host: 'SendHost', direction: 'Send' },
      { adapter: 'SFTP', host: 'SendHost', direction: 'Send' },
      { adapter: 'WCF-BasicHttp', host: 'BizTalkServerIsolatedHost', direction: 'Receive' },
    ],
    gac: [...gacAssemblies, { assembly: { fullName: a.helpers, references: [MSCORLIB] } }],
    applications,
  };
}
