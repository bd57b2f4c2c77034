import type { Document, Element } from '@xmldom/xmldom';
import { childElements, descendants, firstChild, parseXml, serializeXml } from './parse-xml.js';

/** BizTalk's mask for a password in exported bindings. */
export const MASK = '******';

/** Where a secret lives in a binding file. Never carries a value. */
export interface SecretLocation {
  /** Send port name, or receive port name for a receive location. */
  port: string;
  /** Receive location name, for receive locations. */
  location?: string;
  /** The adapter property: `password`, `AdapterConfig/password` ... */
  field: string;
}

const SECRET_FIELD = /pass(word)?$|^pwd$|secret|privatekeypassword/i;

interface TransportDataNode {
  element: Element;
  port: string;
  location?: string;
}

/** The escaped TransportTypeData elements of a binding document, with the port (and location) they belong to. */
function transportDataNodes(document: Document): TransportDataNode[] {
  const nodes: TransportDataNode[] = [];
  for (const sendPort of descendants(document, 'SendPort')) {
    const port = sendPort.getAttribute('Name') ?? '';
    for (const transport of ['PrimaryTransport', 'SecondaryTransport']) {
      const data = firstChild(firstChild(sendPort, transport) ?? sendPort, 'TransportTypeData');
      if (data !== undefined && firstChild(sendPort, transport) !== undefined) nodes.push({ element: data, port });
    }
  }
  for (const receivePort of descendants(document, 'ReceivePort')) {
    const port = receivePort.getAttribute('Name') ?? '';
    for (const location of descendants(receivePort, 'ReceiveLocation')) {
      const data = firstChild(location, 'ReceiveLocationTransportTypeData');
      if (data !== undefined) nodes.push({ element: data, port, location: location.getAttribute('Name') ?? '' });
    }
  }
  return nodes;
}

type FieldVisitor = (field: string, element: Element) => void;

/** Walks the secret-looking fields in CustomProps, and inside AdapterConfig (escaped a second time). Returns new CustomProps text when changed. */
function visitCustomProps(text: string, source: string, visit: FieldVisitor): string {
  if (text.trim() === '') return text;
  const props = parseXml(text, `${source} (TransportTypeData)`);
  const root = props.documentElement;
  if (root === null) return text;
  for (const prop of childElements(root)) {
    const name = prop.localName ?? '';
    if (name === 'AdapterConfig') {
      const inner = prop.textContent ?? '';
      if (inner.trim() === '') continue;
      const config = parseXml(inner, `${source} (AdapterConfig)`);
      const configRoot = config.documentElement;
      if (configRoot === null) continue;
      for (const field of walkAll(configRoot)) {
        if (SECRET_FIELD.test(field.localName ?? '')) visit(`AdapterConfig/${field.localName ?? ''}`, field);
      }
      prop.textContent = serializeXml(config);
    } else if (SECRET_FIELD.test(name)) {
      visit(name, prop);
    }
  }
  return serializeXml(props);
}

function walkAll(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (element: Element): void => {
    for (const child of childElements(element)) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

function rewrite(xml: string, source: string, visit: (node: TransportDataNode) => FieldVisitor): string {
  const document = parseXml(xml, source);
  for (const node of transportDataNodes(document)) {
    const before = node.element.textContent ?? '';
    const after = visitCustomProps(before, source, visit(node));
    if (after !== before) node.element.textContent = after;
  }
  return serializeXml(document);
}

/** Masks every password-like adapter property, as BizTalk's ExportBindings does. */
export function maskBindingPasswords(xml: string, source: string): string {
  return rewrite(xml, source, () => (_field, element) => {
    if ((element.textContent ?? '') !== '') element.textContent = MASK;
  });
}

/** Lists the fields that hold `******`: the secrets a restore must be given. */
export function findMaskedPasswords(xml: string, source: string): SecretLocation[] {
  const found: SecretLocation[] = [];
  rewrite(xml, source, (node) => (field, element) => {
    if ((element.textContent ?? '') === MASK) found.push({ port: node.port, ...(node.location === undefined ? {} : { location: node.location }), field });
  });
  return found;
}

/** Lists every secret-looking field that holds a clear value (a binding file added as a resource keeps them). */
export function findClearPasswords(xml: string, source: string): SecretLocation[] {
  const found: SecretLocation[] = [];
  rewrite(xml, source, (node) => (field, element) => {
    const value = element.textContent ?? '';
    if (value !== '' && value !== MASK) found.push({ port: node.port, ...(node.location === undefined ? {} : { location: node.location }), field });
  });
  return found;
}

export function secretKey(location: SecretLocation): string {
  return `${location.port}|${location.location ?? ''}|${location.field}`;
}

/** Puts secrets back in place of `******`, in memory; returns the XML and the locations still masked. */
export function injectSecrets(xml: string, source: string, secrets: ReadonlyMap<string, string>): { xml: string; missing: SecretLocation[] } {
  const missing: SecretLocation[] = [];
  const out = rewrite(xml, source, (node) => (field, element) => {
    if ((element.textContent ?? '') !== MASK) return;
    const location: SecretLocation = { port: node.port, ...(node.location === undefined ? {} : { location: node.location }), field };
    const value = secrets.get(secretKey(location));
    if (value === undefined) missing.push(location);
    else element.textContent = value;
  });
  return { xml: out, missing };
}
