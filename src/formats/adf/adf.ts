// ApplicationDefinition.adf: the table of contents BizTalk writes into every exported MSI.
import type { Element } from '@xmldom/xmldom';
import { BtsBackupError } from '../../errors/index.js';
import { childElements, escapeXml as escapeText, firstChild, parseXml } from '../bindings/parse-xml.js';

export const ADF_NAMESPACE = 'http://Microsoft.BizTalk.ApplicationDeployment/ApplicationDefinition.xsd';

export interface AdfFile {
  relativePath: string;
  key: string;
}

export interface AdfResource {
  type: string;
  luid: string;
  properties: Record<string, string>;
  files: AdfFile[];
}

export interface ApplicationDefinition {
  /** DisplayName, Guid, Manufacturer, Version, ApplicationDescription, ... in document order. */
  properties: Record<string, string>;
  resources: AdfResource[];
  references: string[];
}

export function buildAdf(definition: ApplicationDefinition): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<ApplicationDefinition xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="${ADF_NAMESPACE}">`,
    '  <Properties>',
  ];
  const property = (indent: string, name: string, value: string): string =>
    `${indent}<Property Name="${escapeXml(name)}" Value="${escapeXml(value)}" />`;
  for (const [name, value] of Object.entries(definition.properties)) lines.push(property('    ', name, value));
  lines.push('  </Properties>', '  <Resources>');
  for (const resource of definition.resources) {
    lines.push(`    <Resource Type="${escapeXml(resource.type)}" Luid="${escapeXml(resource.luid)}">`, '      <Properties>');
    for (const [name, value] of Object.entries(resource.properties)) lines.push(property('        ', name, value));
    lines.push('      </Properties>', '      <Files>');
    for (const file of resource.files) {
      lines.push(`        <File RelativePath="${escapeXml(file.relativePath)}" Key="${escapeXml(file.key)}" />`);
    }
    lines.push('      </Files>', '    </Resource>');
  }
  lines.push('  </Resources>', '  <References>');
  for (const reference of definition.references) lines.push(`    <Reference Name="${escapeXml(reference)}" />`);
  lines.push('  </References>', '</ApplicationDefinition>');
  return lines.join('\r\n') + '\r\n';
}

export function parseAdf(xml: string, source: string): ApplicationDefinition {
  const document = parseXml(xml, source);
  const root = document.documentElement;
  if (root === null || root.localName !== 'ApplicationDefinition') {
    throw notAdf(source, `the root element is <${root?.localName ?? ''}>, not <ApplicationDefinition>`);
  }
  if (root.namespaceURI !== null && root.namespaceURI !== ADF_NAMESPACE) {
    throw notAdf(source, `the root element is in namespace ${root.namespaceURI}`);
  }
  const resources: AdfResource[] = [];
  const resourcesElement = firstChild(root, 'Resources');
  for (const element of resourcesElement === undefined ? [] : childElements(resourcesElement, 'Resource')) {
    const type = element.getAttribute('Type');
    const luid = element.getAttribute('Luid');
    if (type === null || type === '' || luid === null) throw notAdf(source, 'a <Resource> lacks its Type or Luid attribute');
    const filesElement = firstChild(element, 'Files');
    const files: AdfFile[] = [];
    for (const file of filesElement === undefined ? [] : childElements(filesElement, 'File')) {
      const relativePath = file.getAttribute('RelativePath');
      if (relativePath === null || relativePath === '') throw notAdf(source, `a <File> of resource ${luid} lacks RelativePath`);
      files.push({ relativePath, key: file.getAttribute('Key') ?? '' });
    }
    resources.push({ type, luid, properties: readProperties(firstChild(element, 'Properties'), source), files });
  }
  const references: string[] = [];
  const referencesElement = firstChild(root, 'References');
  for (const reference of referencesElement === undefined ? [] : childElements(referencesElement, 'Reference')) {
    const name = reference.getAttribute('Name');
    if (name === null || name === '') throw notAdf(source, 'a <Reference> lacks its Name');
    references.push(name);
  }
  return { properties: readProperties(firstChild(root, 'Properties'), source), resources, references };
}

/** Attribute-safe: CR, LF and TAB as character references, or XML attribute normalization turns them into spaces. */
function escapeXml(text: string): string {
  return escapeText(text).replace(/\r/g, '&#xD;').replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;');
}

function readProperties(element: Element | undefined, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const property of element === undefined ? [] : childElements(element, 'Property')) {
    const name = property.getAttribute('Name');
    if (name === null || name === '') throw notAdf(source, 'a <Property> lacks its Name');
    // defineProperty: a property named "__proto__" stays data instead of replacing the prototype.
    Object.defineProperty(out, name, { value: property.getAttribute('Value') ?? '', enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function notAdf(source: string, problem: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source} is not a BizTalk application definition (ADF): ${problem}.`, {
    target: source,
    hint: 'ApplicationDefinition.adf is written by BizTalk ExportApp; the package may be damaged or not a BizTalk MSI.',
  });
}
