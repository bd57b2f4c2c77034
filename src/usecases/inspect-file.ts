// `inspect`: what a backed-up file holds, read offline. An MSI exported by BizTalk: its application,
// resources, references, bindings and where passwords were masked. A .NET assembly: its identity and
// references. Secrets never appear in the result, only where they were.
import type { Element } from '@xmldom/xmldom';
import { readAssembly } from '../formats/dotnet/assembly-reader.js';
import { readApplicationPackage, resourceKind } from '../formats/msi/application-package.js';
import { hasCfbSignature } from '../formats/msi/compound-file.js';
import { childElements, decodeText, descendants, parseXml } from '../formats/bindings/parse-xml.js';
import { secretKey } from '../formats/bindings/binding-secrets.js';
import { findClearInFile } from '../formats/bindings/redact-secrets.js';
import type { AssemblyIdentity } from '../core/model.js';
import { BtsBackupError } from '../errors/index.js';

export const MASKED_PASSWORD = '******';

export interface InspectedResource {
  type: string;
  luid: string;
  cabinet: string;
  files: { path: string; size: number }[];
}

export interface InspectedBinding {
  /** The BizTalkBinding resource's LUID, e.g. `Application/Orders`. */
  luid: string;
  /** The file inside the resource, e.g. `BizTalkBinding\Application-Orders\BindingInfo.xml`. */
  file: string;
  /** Present when the binding file could be read. */
  sendPorts?: number;
  receivePorts?: number;
  receiveLocations?: number;
  sendPortGroups?: number;
  /** Why the binding file could not be read (malformed XML, a DTD ...). */
  problem?: string;
}

export interface MaskedPassword {
  binding: string;
  /** SendPort, ReceiveLocation, ReceivePort, DistributionList, Party ... (the nearest named container). */
  portKind: string;
  port: string;
  /** The element or attribute holding the mask, e.g. `Password`. */
  field: string;
  /** Where the field sits under the port, e.g. `PrimaryTransport/TransportTypeData`. */
  location: string;
}

/** A secret in the clear inside a package (a binding file added as a resource, a config file): where, never what. */
export interface ClearSecret {
  resource: string;
  file: string;
  /** The secrets rule that found it (secret-rules.ts). */
  rule: string;
  /** The secrets key a restore would use once the export has masked it: `port|location|field`. */
  key: string;
}

export interface InspectedPackage {
  kind: 'msi';
  fileName: string;
  application: string;
  description: string;
  author: string;
  revision: string;
  /** ISO 8601, when the summary information has it. */
  created?: string;
  productCode?: string;
  productVersion?: string;
  resources: InspectedResource[];
  references: string[];
  bindings: InspectedBinding[];
  maskedPasswords: MaskedPassword[];
  /** Clear-text secrets the package holds: an export masks them before storing it. */
  clearSecrets: ClearSecret[];
}

export interface InspectedAssembly {
  kind: 'assembly';
  fileName: string;
  identity: AssemblyIdentity;
  references: AssemblyIdentity[];
  isBizTalkAssembly: boolean;
  targetFramework?: string;
}

export type InspectResult = InspectedPackage | InspectedAssembly;

export function inspectFile(bytes: Uint8Array, fileName: string): InspectResult {
  if (hasCfbSignature(bytes)) return inspectPackage(bytes, fileName);
  if (bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const info = readAssembly(bytes, fileName);
    const result: InspectedAssembly = {
      kind: 'assembly',
      fileName,
      identity: info.identity,
      references: info.references,
      isBizTalkAssembly: info.isBizTalkAssembly,
    };
    if (info.targetFramework !== undefined) result.targetFramework = info.targetFramework;
    return result;
  }
  throw new BtsBackupError('E_INVALID_DATA', `${fileName} is neither an MSI nor a .NET assembly.`, {
    target: fileName,
    hint: 'inspect reads BizTalk application packages (.msi) and assemblies (.dll); check the file name and that it was copied completely.',
  });
}

function inspectPackage(bytes: Uint8Array, fileName: string): InspectedPackage {
  const pkg = readApplicationPackage(bytes, fileName);
  const result: InspectedPackage = {
    kind: 'msi',
    fileName,
    application: pkg.adf.properties['DisplayName'] ?? pkg.summary.title,
    description: pkg.adf.properties['ApplicationDescription'] ?? '',
    author: pkg.summary.author,
    revision: pkg.summary.revision,
    resources: pkg.resources.map((resource) => ({
      type: resource.type,
      luid: resource.luid,
      cabinet: resource.cabinet,
      files: resource.files.map((file) => ({ path: file.path, size: file.bytes.length })),
    })),
    references: pkg.adf.references,
    bindings: [],
    maskedPasswords: [],
    clearSecrets: [],
  };
  if (pkg.summary.created !== undefined) result.created = pkg.summary.created.toISOString();
  if (pkg.properties['ProductCode'] !== undefined) result.productCode = pkg.properties['ProductCode'];
  if (pkg.properties['ProductVersion'] !== undefined) result.productVersion = pkg.properties['ProductVersion'];

  for (const resource of pkg.resources) {
    for (const file of resource.files) {
      if (/\.(dll|exe)$/i.test(file.path)) continue;
      try {
        for (const found of findClearInFile(file.bytes, file.path)) result.clearSecrets.push({ resource: resource.luid, file: file.path, rule: found.rule, key: secretKey(found.location) });
      } catch (error) {
        // an unreadable binding file is reported below as the binding's problem
        if (!(error instanceof BtsBackupError)) throw error;
      }
    }
  }
  for (const resource of pkg.resources) {
    if (resourceKind(resource.type) !== 'BizTalkBinding') continue;
    for (const file of resource.files) {
      if (!/\.xml$/i.test(file.path)) continue;
      const source = `${fileName}#${file.path}`;
      const binding: InspectedBinding = { luid: resource.luid, file: file.path };
      try {
        const document = parseXml(decodeText(file.bytes), source);
        const root = document.documentElement;
        if (root === null || root.localName !== 'BindingInfo') throw new Error(`the root element is not <BindingInfo>`);
        binding.sendPorts = countIn(root, 'SendPortCollection', 'SendPort');
        binding.receivePorts = countIn(root, 'ReceivePortCollection', 'ReceivePort');
        binding.receiveLocations = descendants(root, 'ReceiveLocation').length;
        binding.sendPortGroups = countIn(root, 'DistributionListCollection', 'DistributionList');
        result.maskedPasswords.push(...findMaskedPasswords(root, resource.luid));
      } catch (error) {
        binding.problem = error instanceof Error ? error.message : String(error);
      }
      result.bindings.push(binding);
    }
  }
  return result;
}

function countIn(root: Element, collection: string, item: string): number {
  return childElements(root, collection).reduce((sum, c) => sum + childElements(c, item).length, 0);
}

const PORT_KINDS = new Set(['SendPort', 'ReceiveLocation', 'ReceivePort', 'DistributionList', 'Party', 'ModuleRef', 'Service']);

/** Every `******` in the binding, including inside (possibly twice) escaped XML such as TransportTypeData. Iterative. */
export function findMaskedPasswords(root: Element, binding: string): MaskedPassword[] {
  // The path under the port is a linked list (each element points at its parent's), made into an array only to report.
  type PathNode = { name: string; parent: PathNode | undefined };
  type Port = { kind: string; name: string; path: PathNode | undefined };
  const pathOf = (node: PathNode | undefined): string[] => {
    const names: string[] = [];
    for (let at = node; at !== undefined; at = at.parent) names.push(at.name);
    return names.reverse();
  };
  const found: MaskedPassword[] = [];
  // Depth-first, document order, with an explicit stack: a document nested thousands of levels deep cannot overflow it.
  const stack: { element: Element; port: Port | undefined; depth: number }[] = [{ element: root, port: undefined, depth: 0 }];
  while (stack.length > 0) {
    const { element, port, depth } = stack.pop()!;
    let here = port;
    if (PORT_KINDS.has(element.localName ?? '') && depth === 0) {
      here = { kind: element.localName ?? '', name: element.getAttribute('Name') ?? element.getAttribute('Id') ?? '', path: undefined };
    } else if (here !== undefined) {
      here = { ...here, path: { name: element.localName ?? '', parent: here.path } };
    }
    const report = (field: string, location: string[]): void => {
      found.push({ binding, portKind: here?.kind ?? 'BindingInfo', port: here?.name ?? '', field, location: location.join('/') });
    };
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute !== null && attribute.value === MASKED_PASSWORD) report(attribute.localName ?? attribute.name, pathOf(here?.path));
    }
    const children = childElements(element);
    if (children.length === 0) {
      const text = element.textContent ?? '';
      if (text.trim() === MASKED_PASSWORD) {
        report(element.localName ?? '', pathOf(here?.path).slice(0, -1));
      } else if (text.includes(MASKED_PASSWORD) && (text.includes('<') || text.includes('&lt;')) && depth < 3) {
        // Escaped XML (TransportTypeData, CustomProps ...), sometimes escaped twice: parse it and keep looking.
        try {
          const inner = parseXml(unescapeOnce(text), 'embedded XML').documentElement;
          if (inner === null) throw new Error('no root');
          stack.push({ element: inner, port: here, depth: depth + 1 });
        } catch {
          report(element.localName ?? '', pathOf(here?.path).slice(0, -1));
        }
      } else if (text.includes(MASKED_PASSWORD)) {
        report(element.localName ?? '', pathOf(here?.path).slice(0, -1));
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ element: children[i]!, port: here, depth });
  }
  return found;
}

/** Text that is XML escaped once more than it should be (`&lt;CustomProps&gt;`): decode one level. */
function unescapeOnce(text: string): string {
  if (text.includes('<')) return text;
  return parseXml(`<x>${text}</x>`, 'embedded XML').documentElement?.textContent ?? text;
}
