import { escapeXml } from '../../formats/bindings/parse-xml.js';

/** Builds BindingInfo XML shaped like BizTalk's ExportBindings output, for the simulator's groups. */
export interface TransportSpec {
  /** Adapter name: FILE, FTP, SFTP, WCF-BasicHttp ... */
  adapter: string;
  address: string;
  /** Adapter configuration; becomes the escaped TransportTypeData (`<CustomProps>` with `vt` typed values). */
  props: Record<string, string>;
  /** For WCF/SFTP-style adapters: properties nested as escaped XML inside `AdapterConfig` (escaped twice overall). */
  adapterConfig?: Record<string, string>;
  /** The adapter handler's host. */
  host: string;
  hostTrusted: boolean;
}

export interface SendPortSpec {
  name: string;
  transport: TransportSpec;
  /** Subscription filter: property = value pairs, ANDed. */
  filter?: { property: string; value: string }[];
  pipeline?: string;
}

export interface ReceiveLocationSpec {
  name: string;
  transport: TransportSpec;
  enabled: boolean;
}

export interface ReceivePortSpec {
  name: string;
  locations: ReceiveLocationSpec[];
}

export interface ServiceSpec {
  /** Orchestration full type name. */
  name: string;
  host: string;
  hostTrusted: boolean;
  ports: { name: string; receivePort?: string; sendPort?: string }[];
}

export interface ModuleSpec {
  /** Assembly full name. */
  fullName: string;
  services: ServiceSpec[];
}

export interface BindingSpec {
  application: string;
  modules: ModuleSpec[];
  sendPorts: SendPortSpec[];
  receivePorts: ReceivePortSpec[];
  timestamp?: string;
}

const DEPLOYMENT_ASSEMBLY = 'Microsoft.BizTalk.Deployment, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
const XML_TRANSMIT = 'Microsoft.BizTalk.DefaultPipelines.XMLTransmit';
const XML_RECEIVE = 'Microsoft.BizTalk.DefaultPipelines.XMLReceive';
const PIPELINES_ASSEMBLY = 'Microsoft.BizTalk.DefaultPipelines, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
const CLSIDS: Record<string, string> = {
  FILE: '5e49e3a6-b4fc-4077-b44c-22f34a242fdb',
  FTP: '3979ffed-0067-4cc6-9f5a-859a5db6e9bb',
  SFTP: 'f75aef8c-b0b2-4b2d-8e4e-9c4c4a1b2f4b',
  'WCF-BasicHttp': '467c1a52-373f-4f09-9008-27af6b985f14',
  'WCF-SQL': '59b35d03-6a06-4734-a249-ef4b6a7e7a4e',
  HTTP: '1c56d157-0553-4345-8a1f-55d2d1a3ffb6',
};

export function buildBindingInfo(spec: BindingSpec): string {
  const endpoints = spec.sendPorts.length + spec.receivePorts.reduce((n, p) => n + p.locations.length, 0);
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="utf-8"?>');
  lines.push(
    `<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Assembly="${DEPLOYMENT_ASSEMBLY}" Version="3.5.1.0" BindingStatus="FullyBound" BoundEndpoints="${endpoints}" TotalEndpoints="${endpoints}">`,
  );
  lines.push(`  <Timestamp>${escapeXml(spec.timestamp ?? '2026-01-01T00:00:00.0000000+00:00')}</Timestamp>`);
  lines.push('  <ModuleRefCollection>');
  const appModule = `[Application:${spec.application}]`;
  lines.push(`    <ModuleRef Name="${escapeXml(appModule)}" Version="" Culture="" PublicKeyToken="" FullName="${escapeXml(appModule)}, Version=, Culture=, PublicKeyToken=">`);
  lines.push('      <Services />', '      <TrackedSchemas>', '        <Schema FullName="" RootName="" AlwaysTrack="false" TrackedPropertyNames="" />', '      </TrackedSchemas>', '    </ModuleRef>');
  for (const module of spec.modules) {
    const [name, ...rest] = module.fullName.split(',').map((s) => s.trim());
    const field = (key: string): string => rest.find((part) => part.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';
    lines.push(
      `    <ModuleRef Name="${escapeXml(name ?? '')}" Version="${escapeXml(field('Version'))}" Culture="${escapeXml(field('Culture'))}" PublicKeyToken="${escapeXml(field('PublicKeyToken'))}" FullName="${escapeXml(module.fullName)}">`,
    );
    if (module.services.length === 0) lines.push('      <Services />');
    else {
      lines.push('      <Services>');
      for (const service of module.services) {
        lines.push(`        <Service Name="${escapeXml(service.name)}" State="Started" TrackingOption="ServiceStartEnd MessageSendReceive OrchestrationEvents">`);
        lines.push('          <Ports>');
        for (const port of service.ports) {
          lines.push(`            <Port Name="${escapeXml(port.name)}" Modifier="${port.sendPort === undefined ? 1 : 2}" BindingOption="1">`);
          lines.push(port.sendPort === undefined ? '              <SendPortRef xsi:nil="true" />' : `              <SendPortRef Name="${escapeXml(port.sendPort)}" />`);
          lines.push('              <DistributionListRef xsi:nil="true" />');
          lines.push(port.receivePort === undefined ? '              <ReceivePortRef xsi:nil="true" />' : `              <ReceivePortRef Name="${escapeXml(port.receivePort)}" />`);
          lines.push('            </Port>');
        }
        lines.push('          </Ports>', '          <Roles />');
        lines.push(`          <Host Name="${escapeXml(service.host)}" NTGroupName="BizTalk Application Users" Type="1" Trusted="${service.hostTrusted}" />`);
        lines.push('        </Service>');
      }
      lines.push('      </Services>');
    }
    lines.push('      <TrackedSchemas />', '    </ModuleRef>');
  }
  lines.push('  </ModuleRefCollection>');
  if (spec.sendPorts.length === 0) lines.push('  <SendPortCollection />');
  else {
    lines.push('  <SendPortCollection>');
    for (const port of spec.sendPorts) lines.push(...sendPortXml(port, spec.application));
    lines.push('  </SendPortCollection>');
  }
  lines.push('  <DistributionListCollection />');
  if (spec.receivePorts.length === 0) lines.push('  <ReceivePortCollection />');
  else {
    lines.push('  <ReceivePortCollection>');
    for (const port of spec.receivePorts) lines.push(...receivePortXml(port, spec.application));
    lines.push('  </ReceivePortCollection>');
  }
  lines.push('  <PartyCollection xsi:nil="true" />');
  lines.push('</BindingInfo>');
  return `${lines.join('\r\n')}\r\n`;
}

function transportTypeXml(adapter: string): string {
  return `<TransportType Name="${escapeXml(adapter)}" Capabilities="11" ConfigurationClsid="${CLSIDS[adapter] ?? '00000000-0000-0000-0000-000000000000'}" />`;
}

/** `<CustomProps>` with typed values, escaped once for the TransportTypeData element; AdapterConfig escaped inside it. */
export function customPropsXml(transport: TransportSpec): string {
  const props = Object.entries(transport.props).map(([key, value]) => `<${key} vt="8">${escapeXml(value)}</${key}>`);
  if (transport.adapterConfig !== undefined) {
    const config = Object.entries(transport.adapterConfig)
      .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
      .join('');
    props.push(`<AdapterConfig vt="8">${escapeXml(`<Config xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${config}</Config>`)}</AdapterConfig>`);
  }
  return `<CustomProps>${props.join('')}</CustomProps>`;
}

function filterXml(filter: { property: string; value: string }[]): string {
  const statements = filter.map((f) => `<Statement Property="${escapeXml(f.property)}" Operator="0" Value="${escapeXml(f.value)}" />`).join('');
  return `<?xml version="1.0" encoding="utf-16"?><Filter xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><Group>${statements}</Group></Filter>`;
}

function sendPortXml(port: SendPortSpec, application: string): string[] {
  const t = port.transport;
  return [
    `    <SendPort Name="${escapeXml(port.name)}" IsStatic="true" IsTwoWay="false" BindingOption="0">`,
    '      <Description xsi:nil="true" />',
    `      <TransmitPipeline Name="${escapeXml(port.pipeline ?? XML_TRANSMIT)}" FullyQualifiedName="${escapeXml(`${port.pipeline ?? XML_TRANSMIT}, ${PIPELINES_ASSEMBLY}`)}" Type="2" TrackingOption="None" Description="" />`,
    '      <PrimaryTransport>',
    `        <Address>${escapeXml(t.address)}</Address>`,
    `        ${transportTypeXml(t.adapter)}`,
    `        <TransportTypeData>${escapeXml(customPropsXml(t))}</TransportTypeData>`,
    '        <RetryCount>3</RetryCount>',
    '        <RetryInterval>5</RetryInterval>',
    '        <ServiceWindowEnabled>false</ServiceWindowEnabled>',
    '        <FromTime>2000-01-01T00:00:00</FromTime>',
    '        <ToTime>2000-01-01T23:59:59</ToTime>',
    '        <Primary>true</Primary>',
    '        <OrderedDelivery>false</OrderedDelivery>',
    '        <DeliveryNotification>1</DeliveryNotification>',
    `        <SendHandler Name="${escapeXml(t.host)}" HostTrusted="${t.hostTrusted}">`,
    `          ${transportTypeXml(t.adapter)}`,
    '        </SendHandler>',
    '      </PrimaryTransport>',
    '      <ReceivePipelineData xsi:nil="true" />',
    '      <Tracking>0</Tracking>',
    port.filter === undefined || port.filter.length === 0 ? '      <Filter />' : `      <Filter>${escapeXml(filterXml(port.filter))}</Filter>`,
    '      <Transforms />',
    '      <OrderedDelivery>false</OrderedDelivery>',
    '      <Priority>5</Priority>',
    '      <StopSendingOnFailure>false</StopSendingOnFailure>',
    '      <RouteFailedMessage>false</RouteFailedMessage>',
    `      <ApplicationName>${escapeXml(application)}</ApplicationName>`,
    '    </SendPort>',
  ];
}

function receivePortXml(port: ReceivePortSpec, application: string): string[] {
  const lines = [`    <ReceivePort Name="${escapeXml(port.name)}" IsTwoWay="false" BindingOption="1">`, '      <Description xsi:nil="true" />', '      <ReceiveLocations>'];
  for (const location of port.locations) {
    const t = location.transport;
    lines.push(
      `        <ReceiveLocation Name="${escapeXml(location.name)}">`,
      '          <Description xsi:nil="true" />',
      `          <Address>${escapeXml(t.address)}</Address>`,
      '          <PublicAddress />',
      '          <Primary>true</Primary>',
      '          <ReceiveLocationServiceWindowEnabled>false</ReceiveLocationServiceWindowEnabled>',
      `          <ReceivePipeline Name="${XML_RECEIVE}" FullyQualifiedName="${escapeXml(`${XML_RECEIVE}, ${PIPELINES_ASSEMBLY}`)}" Type="1" TrackingOption="None" Description="" />`,
      '          <ReceivePipelineData xsi:nil="true" />',
      `          <ReceiveLocationTransportType Name="${escapeXml(t.adapter)}" Capabilities="11" ConfigurationClsid="${CLSIDS[t.adapter] ?? '00000000-0000-0000-0000-000000000000'}" />`,
      `          <ReceiveLocationTransportTypeData>${escapeXml(customPropsXml(t))}</ReceiveLocationTransportTypeData>`,
      `          <ReceiveHandler Name="${escapeXml(t.host)}" HostTrusted="${t.hostTrusted}">`,
      `            ${transportTypeXml(t.adapter)}`,
      '          </ReceiveHandler>',
      `          <Enable>${location.enabled}</Enable>`,
      '        </ReceiveLocation>',
    );
  }
  lines.push(
    '      </ReceiveLocations>',
    '      <SendPipelineData xsi:nil="true" />',
    '      <Authentication>0</Authentication>',
    '      <Tracking>0</Tracking>',
    '      <Transforms />',
    '      <RouteFailedMessage>false</RouteFailedMessage>',
    `      <ApplicationName>${escapeXml(application)}</ApplicationName>`,
    '    </ReceivePort>',
  );
  return lines;
}
