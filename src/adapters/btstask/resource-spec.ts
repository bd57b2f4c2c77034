import type { Document, Element } from '@xmldom/xmldom';
import { BtsBackupError } from '../../errors/index.js';
import type { ResourceRef } from '../../ports/biztalk-group.js';
import { childElements, decodeText, escapeXml, firstChild, parseXml, serializeXml } from '../../formats/bindings/parse-xml.js';

/**
 * ResourceSpec files: written by `ListApp /ResourceSpec`, read by `ExportApp /ResourceSpec`. UTF-16 with a BOM;
 * root `ResourceSpec` > `Resources` > `Resource@Type@Luid`. The root's other attributes are not documented, so a
 * restricted spec is the one BTSTask wrote with `Resource` nodes removed, everything else untouched.
 */
export const RESOURCE_SPEC_NAMESPACE = 'http://schemas.microsoft.com/BizTalk/ApplicationDeployment/ResourceSpec/2004/12';

export interface ResourceSpec {
  document: Document;
  resources: ResourceRef[];
}

/** Decodes by BOM (UTF-16 LE/BE or UTF-8) and validates; `E_INVALID_DATA` naming `source`. */
export function readResourceSpec(bytes: Uint8Array, source: string): ResourceSpec {
  const document = parseXml(decodeText(bytes), source);
  const root = document.documentElement;
  if (root === null || root.localName !== 'ResourceSpec' || (root.namespaceURI !== null && root.namespaceURI !== RESOURCE_SPEC_NAMESPACE)) {
    throw invalid(source, `the root element must be ResourceSpec in namespace ${RESOURCE_SPEC_NAMESPACE}`);
  }
  const container = firstChild(root, 'Resources');
  if (container === undefined) throw invalid(source, 'it has no Resources element');
  const resources: ResourceRef[] = [];
  for (const [index, element] of childElements(container, 'Resource').entries()) {
    const type = element.getAttribute('Type') ?? '';
    const luid = element.getAttribute('Luid') ?? '';
    if (type === '' || luid === '') throw invalid(source, `Resource ${index + 1} lacks a Type or a Luid`);
    resources.push({ type, luid });
  }
  return { document, resources };
}

const refKey = (ref: ResourceRef): string => `${ref.type}\u0000${ref.luid}`.toLowerCase();

/**
 * Keeps only the `Resource` nodes named in `keep` (type and LUID compared without regard to case). A wanted
 * resource the spec does not list is appended, so BTSTask itself reports it missing rather than it being dropped.
 */
export function restrictResourceSpec(spec: ResourceSpec, keep: readonly ResourceRef[]): ResourceSpec {
  const document = spec.document.cloneNode(true) as Document;
  const root = document.documentElement as Element;
  const container = firstChild(root, 'Resources') as Element;
  const wanted = new Map(keep.map((ref) => [refKey(ref), ref]));
  const present = new Set<string>();
  for (const element of childElements(container, 'Resource')) {
    const key = refKey({ type: element.getAttribute('Type') ?? '', luid: element.getAttribute('Luid') ?? '' });
    if (wanted.has(key) && !present.has(key)) {
      present.add(key);
      continue;
    }
    // Drop the node and the whitespace before it, so the file stays tidy.
    const previous = element.previousSibling;
    if (previous !== null && previous.nodeType === 3 && (previous.nodeValue ?? '').trim() === '') container.removeChild(previous);
    container.removeChild(element);
  }
  for (const [key, ref] of wanted) {
    if (present.has(key)) continue;
    const element = document.createElementNS(container.namespaceURI, container.prefix === null ? 'Resource' : `${container.prefix}:Resource`);
    element.setAttribute('Type', ref.type);
    element.setAttribute('Luid', ref.luid);
    container.appendChild(element);
  }
  const resources = childElements(container, 'Resource').map((element) => ({ type: element.getAttribute('Type') ?? '', luid: element.getAttribute('Luid') ?? '' }));
  return { document, resources };
}

/** UTF-16 LE with a BOM, as BTSTask writes it. */
export function writeResourceSpec(spec: ResourceSpec): Uint8Array {
  let text = serializeXml(spec.document);
  if (!text.startsWith('<?xml')) text = `<?xml version="1.0" encoding="utf-16"?>\r\n${text}`;
  return encodeUtf16Le(text);
}

/** A fresh ResourceSpec for an application, in the shape ListApp writes (the emulator's writer). */
export function buildResourceSpec(application: string, resources: readonly ResourceRef[]): Uint8Array {
  const lines = [
    '<?xml version="1.0" encoding="utf-16"?>',
    `<ResourceSpec xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Name="${escapeXml(application)}" Version="1.0" xmlns="${RESOURCE_SPEC_NAMESPACE}">`,
    '  <Resources>',
    ...resources.map((ref) => `    <Resource Type="${escapeXml(ref.type)}" Luid="${escapeXml(ref.luid)}" />`),
    '  </Resources>',
    '</ResourceSpec>',
  ];
  return encodeUtf16Le(`${lines.join('\r\n')}\r\n`);
}

function encodeUtf16Le(text: string): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  const out = new Uint8Array(body.length + 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  out.set(body, 2);
  return out;
}

function invalid(source: string, problem: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source} is not a BizTalk ResourceSpec file: ${problem}.`, {
    target: source,
    hint: 'A ResourceSpec is what `BTSTask ListApp /ResourceSpec:file.xml` writes; regenerate it rather than editing it by hand.',
  });
}
