import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { BindingsSummary } from '../../core/bindings-summary.js';
import { redactBindingSecrets, type SecretLocation } from './binding-secrets.js';
import { childElements, descendants, firstChild, isXmlTooDeep, parseXml, textOf } from './parse-xml.js';

export interface NormalizedBindings {
  /** SHA-256 of the canonical bindings: Timestamp dropped, escaped XML compared canonically, order-independent. */
  fingerprint: string;
  summary: BindingsSummary;
  /** The secrets that hold `******` (findMaskedPasswords), found in the same pass. */
  maskedPasswords: SecretLocation[];
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Canonical text of an XML fragment: elements sorted by name and attributes, whitespace-only text dropped, escaped XML
 * inside text parsed again (at most three levels). Walks with an explicit stack: no recursion on the document's depth.
 */
export function canonical(root: Element, source: string, depth = 0): string {
  interface Frame {
    element: Element;
    children: Element[];
    next: number;
    parts: string[];
  }
  const open = (element: Element): Frame => ({ element, children: childElements(element).filter((child) => child.localName !== 'Timestamp'), next: 0, parts: [] });
  const stack: Frame[] = [open(root)];
  let result = '';
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const child = frame.children[frame.next];
    if (child !== undefined) {
      frame.next += 1;
      stack.push(open(child));
      continue;
    }
    stack.pop();
    const text = closeElement(frame.element, frame.parts, source, depth);
    const parent = stack[stack.length - 1];
    if (parent === undefined) result = text;
    else parent.parts.push(text);
  }
  return result;
}

/** One element's canonical text, given its children's. */
function closeElement(element: Element, children: string[], source: string, depth: number): string {
  const attributes: string[] = [];
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i);
    if (attribute !== null && !attribute.name.startsWith('xmlns')) attributes.push(`${attribute.localName ?? attribute.name}=${JSON.stringify(attribute.value)}`);
  }
  attributes.sort();
  let text = '';
  if (children.length === 0) {
    text = (element.textContent ?? '').trim();
    if (depth < 3 && text.startsWith('<')) {
      let inner: Element | null = null;
      try {
        inner = parseXml(text, source).documentElement;
      } catch (error) {
        // Too deep to read is an error of the bindings; anything else is not XML after all: compare it as text.
        if (isXmlTooDeep(error)) throw error;
      }
      if (inner !== null) text = canonical(inner, source, depth + 1);
    }
  }
  if (children.length > 0 && element.localName !== 'Ports' && element.localName !== 'Group') children.sort();
  return `<${element.localName ?? ''}${attributes.length > 0 ? ` ${attributes.join(' ')}` : ''}>${text}${children.join('')}</${element.localName ?? ''}>`;
}

function canonicalText(text: string, source: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const root = parseXml(trimmed, source).documentElement;
  return root === null ? '' : canonical(root, source, 1);
}

function bool(text: string | null | undefined): boolean {
  return (text ?? '').toLowerCase() === 'true';
}

/** Reads BindingInfo XML into its fingerprint and a summary. Malformed XML or a DTD → E_INVALID_DATA naming `source`. */
export function normalizeBindings(xml: string, source: string): NormalizedBindings {
  // Secrets are compared (and summarised: addresses with user-info) masked, so a summary never carries one and bindings
  // restored with or without their secrets compare equal to the backup.
  const redacted = redactBindingSecrets(xml, source);
  const document = parseXml(redacted.xml, source);
  const root = document.documentElement;
  if (root === null || root.localName !== 'BindingInfo') {
    return { fingerprint: sha256(root === null ? '' : canonical(root, source)), summary: { sendPorts: [], receiveLocations: [], sendPortGroups: [], services: [] }, maskedPasswords: redacted.masked };
  }
  const summary: BindingsSummary = { sendPorts: [], receiveLocations: [], sendPortGroups: [], services: [] };
  for (const port of descendants(document, 'SendPort')) {
    const primary = firstChild(port, 'PrimaryTransport');
    const handler = primary === undefined ? undefined : firstChild(primary, 'SendHandler');
    summary.sendPorts.push({
      name: port.getAttribute('Name') ?? '',
      transport: (primary === undefined ? undefined : firstChild(primary, 'TransportType'))?.getAttribute('Name') ?? '',
      address: textOf(primary === undefined ? undefined : firstChild(primary, 'Address')),
      host: handler?.getAttribute('Name') ?? '',
      hostTrusted: bool(handler?.getAttribute('HostTrusted')),
      filter: canonicalText(textOf(firstChild(port, 'Filter')), `${source} (filter of ${port.getAttribute('Name') ?? ''})`),
      configHash: sha256(canonicalText(textOf(primary === undefined ? undefined : firstChild(primary, 'TransportTypeData')), source)),
    });
  }
  for (const port of descendants(document, 'ReceivePort')) {
    for (const location of descendants(port, 'ReceiveLocation')) {
      const handler = firstChild(location, 'ReceiveHandler');
      summary.receiveLocations.push({
        port: port.getAttribute('Name') ?? '',
        name: location.getAttribute('Name') ?? '',
        transport: firstChild(location, 'ReceiveLocationTransportType')?.getAttribute('Name') ?? '',
        address: textOf(firstChild(location, 'Address')),
        host: handler?.getAttribute('Name') ?? '',
        hostTrusted: bool(handler?.getAttribute('HostTrusted')),
        enabled: bool(textOf(firstChild(location, 'Enable'))),
        configHash: sha256(canonicalText(textOf(firstChild(location, 'ReceiveLocationTransportTypeData')), source)),
      });
    }
  }
  for (const group of descendants(document, 'DistributionList')) summary.sendPortGroups.push(group.getAttribute('Name') ?? '');
  for (const service of descendants(document, 'Service')) {
    const host = firstChild(service, 'Host');
    summary.services.push({ name: service.getAttribute('Name') ?? '', host: host?.getAttribute('Name') ?? '', hostTrusted: bool(host?.getAttribute('Trusted')) });
  }
  summary.sendPorts.sort((a, b) => a.name.localeCompare(b.name));
  summary.receiveLocations.sort((a, b) => `${a.port}/${a.name}`.localeCompare(`${b.port}/${b.name}`));
  summary.services.sort((a, b) => a.name.localeCompare(b.name));
  summary.sendPortGroups.sort();
  return { fingerprint: sha256(canonical(root, source)), summary, maskedPasswords: redacted.masked };
}
