import type { Document, Element } from '@xmldom/xmldom';
import { childElements, descendants, escapeXml, firstChild, parseXml, serializeXml } from './parse-xml.js';
import { findSecretSpans, isSecretValue, MASK, replaceSpans, secretFieldRule } from './secret-rules.js';

export { MASK } from './secret-rules.js';

/** Where a secret lives in a binding file. Never carries a value. */
export interface SecretLocation {
  /** Send port name, or receive port name for a receive location. */
  port: string;
  /** Receive location name, for receive locations. */
  location?: string;
  /**
   * The adapter property: `password`, `AdapterConfig/password`; a secret inside a value adds what it is:
   * `Address/userinfo`, `AdapterConfig/Url/query:pwd`, `AdapterConfig/connectionString/password`.
   */
  field: string;
}

/** Secret-looking fields: the secrets rule table (secret-rules.ts) decides, or BizTalk's own masking for maskBindingPasswords. */
const BIZTALK_MASKED_FIELD = /pass(word)?$|^pwd$|secret|privatekeypassword/i;

interface TransportNode {
  /** TransportTypeData / ReceiveLocationTransportTypeData, or undefined for an address alone. */
  data?: Element;
  address?: Element;
  adapter: string;
  port: string;
  location?: string;
}

/** The transports of a binding document: each with its escaped adapter data, its address, the adapter and port. */
function transportNodes(document: Document): TransportNode[] {
  const nodes: TransportNode[] = [];
  for (const sendPort of descendants(document, 'SendPort')) {
    const port = sendPort.getAttribute('Name') ?? '';
    for (const name of ['PrimaryTransport', 'SecondaryTransport']) {
      const transport = firstChild(sendPort, name);
      if (transport === undefined) continue;
      const data = firstChild(transport, 'TransportTypeData');
      const address = firstChild(transport, 'Address');
      nodes.push({ ...(data === undefined ? {} : { data }), ...(address === undefined ? {} : { address }), adapter: firstChild(transport, 'TransportType')?.getAttribute('Name') ?? '', port });
    }
  }
  for (const receivePort of descendants(document, 'ReceivePort')) {
    const port = receivePort.getAttribute('Name') ?? '';
    for (const location of descendants(receivePort, 'ReceiveLocation')) {
      const data = firstChild(location, 'ReceiveLocationTransportTypeData');
      const address = firstChild(location, 'Address');
      nodes.push({
        ...(data === undefined ? {} : { data }),
        ...(address === undefined ? {} : { address }),
        adapter: firstChild(location, 'ReceiveLocationTransportType')?.getAttribute('Name') ?? '',
        port,
        location: location.getAttribute('Name') ?? '',
      });
    }
  }
  return nodes;
}

/**
 * Sees one secret slot: its field path and current value. Returns the new value, or undefined to leave it.
 * `whole` is true when the field itself is a secret, false for a secret inside a value (user-info, query, connection string).
 */
type SlotVisitor = (field: string, value: string, rule: string) => string | undefined;
type FieldTest = (name: string, adapter: string) => boolean;

const fullRules: FieldTest = (name, adapter) => secretFieldRule(name, adapter) !== undefined;
const bizTalkRules: FieldTest = (name) => BIZTALK_MASKED_FIELD.test(name);

/** A text value: the whole of it when its field is secret, else the secrets inside it. Returns the new text. */
function visitValue(path: string, name: string, text: string, adapter: string, isSecretField: FieldTest, visit: SlotVisitor, inner: boolean): string {
  if (isSecretField(name, adapter)) return visit(path, text, secretFieldRule(name, adapter) ?? 'password-field') ?? text;
  if (!inner) return text;
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const span of findSecretSpans(text)) {
    const next = visit(`${path}/${span.sub}`, span.value, span.rule);
    if (next !== undefined && next !== span.value) replacements.push({ start: span.start, end: span.end, text: next });
  }
  return replacements.length === 0 ? text : replaceSpans(text, replacements);
}

/** Leaf elements below a root, in document order, without recursion on the input's depth. */
function leafElements(root: Element): Element[] {
  const out: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const element = stack.pop() as Element;
    const children = childElements(element);
    if (children.length === 0 && element !== root) out.push(element);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Element);
  }
  return out;
}

/**
 * Walks an adapter's own XML (AdapterConfig, or any property that holds XML or nested elements): every leaf's text
 * (`<prefix>/<leaf>`) and, with the full rules, every attribute (`<prefix>/<element>/@<attribute>`, `<prefix>/@<attribute>`
 * on the root itself): a custom
 * adapter may keep its password in either. Returns true when something changed.
 */
function visitXmlFields(configRoot: Element, prefix: string, adapter: string, isSecretField: FieldTest, visit: SlotVisitor, inner: boolean): boolean {
  let changed = false;
  const elements = inner ? [configRoot, ...descendantElements(configRoot)] : [];
  for (const element of elements) {
    for (const attribute of Array.from(element.attributes)) {
      const attributeName = attribute.localName ?? attribute.name;
      if (attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:') || (element === configRoot && attributeName === 'vt')) continue;
      const before = attribute.value;
      const path = element === configRoot ? `${prefix}/@${attributeName}` : `${prefix}/${element.localName ?? ''}/@${attributeName}`;
      const after = visitValue(path, attributeName, before, adapter, isSecretField, visit, inner);
      if (after !== before) {
        element.setAttribute(attribute.name, after);
        changed = true;
      }
    }
  }
  for (const field of leafElements(configRoot)) {
    const before = field.textContent ?? '';
    const after = visitValue(`${prefix}/${field.localName ?? ''}`, field.localName ?? '', before, adapter, isSecretField, visit, inner);
    if (after !== before) {
      field.textContent = after;
      changed = true;
    }
  }
  return changed;
}

/** Every element below a root (not the root), without recursion on the input's depth. */
function descendantElements(root: Element): Element[] {
  const out: Element[] = [];
  const stack: Element[] = [...childElements(root)].reverse();
  while (stack.length > 0) {
    const element = stack.pop() as Element;
    out.push(element);
    const children = childElements(element);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Element);
  }
  return out;
}

/** A property value that is itself an XML document (a custom adapter's settings), or undefined. */
function parseEmbeddedXml(value: string, source: string, strict: boolean): Document | undefined {
  try {
    return parseXml(value, `${source} (AdapterConfig)`);
  } catch (error) {
    if (strict) throw error;
    return undefined;
  }
}

/** Walks the fields in CustomProps, and inside AdapterConfig (escaped a second time). Returns new CustomProps text when changed. */
function visitCustomProps(text: string, source: string, adapter: string, isSecretField: FieldTest, visit: SlotVisitor, inner: boolean): string {
  if (text.trim() === '') return text;
  if (text.trim().startsWith('&lt;')) {
    // Escaped once more than BizTalk writes it: look inside, and write it back escaped the same way.
    const unescaped = parseXml(`<x>${text}</x>`, `${source} (TransportTypeData)`).documentElement?.textContent ?? '';
    const after = visitCustomProps(unescaped, source, adapter, isSecretField, visit, inner);
    return after === unescaped ? text : escapeXml(after);
  }
  const props = parseXml(text, `${source} (TransportTypeData)`);
  const root = props.documentElement;
  if (root === null) return text;
  let changed = false;
  for (const prop of childElements(root)) {
    const name = prop.localName ?? '';
    const value = prop.textContent ?? '';
    if (isSecretField(name, adapter)) {
      const after = visitValue(name, name, value, adapter, isSecretField, visit, inner);
      if (after !== value) {
        prop.textContent = after;
        changed = true;
      }
    } else if (inner && childElements(prop).length > 0) {
      // Nested elements right in CustomProps (a custom adapter): every leaf and attribute.
      if (visitXmlFields(prop, name, adapter, isSecretField, visit, inner)) changed = true;
    } else if (value.trim().startsWith('<') && (name === 'AdapterConfig' || inner)) {
      // AdapterConfig (WCF, SB-Messaging), or a custom adapter's property holding its settings as XML.
      const config = parseEmbeddedXml(value, source, name === 'AdapterConfig');
      const configRoot = config?.documentElement ?? null;
      if (config !== undefined && configRoot !== null) {
        if (visitXmlFields(configRoot, name, adapter, isSecretField, visit, inner)) {
          prop.textContent = serializeXml(config);
          changed = true;
        }
      } else if (config === undefined) {
        const after = visitValue(name, name, value, adapter, isSecretField, visit, inner);
        if (after !== value) {
          prop.textContent = after;
          changed = true;
        }
      }
    } else {
      if (inner && visitXmlFields(prop, name, adapter, isSecretField, visit, inner)) changed = true;
      const now = prop.textContent ?? '';
      const after = visitValue(name, name, now, adapter, isSecretField, visit, inner);
      if (after !== now) {
        prop.textContent = after;
        changed = true;
      }
    }
  }
  return changed ? serializeXml(props) : text;
}

function rewrite(xml: string, source: string, isSecretField: FieldTest, inner: boolean, visit: (node: TransportNode) => SlotVisitor): string {
  const document = parseXml(xml, source);
  let changed = false;
  for (const node of transportNodes(document)) {
    const visitor = visit(node);
    if (node.address !== undefined && inner) {
      const before = node.address.textContent ?? '';
      const after = visitValue('Address', 'Address', before, node.adapter, () => false, visitor, true);
      if (after !== before) {
        node.address.textContent = after;
        changed = true;
      }
    }
    if (node.data !== undefined) {
      const before = node.data.textContent ?? '';
      const after = visitCustomProps(before, source, node.adapter, isSecretField, visitor, inner);
      if (after !== before) {
        node.data.textContent = after;
        changed = true;
      }
    }
  }
  return changed ? serializeXml(document) : xml;
}

const locationOf = (node: TransportNode, field: string): SecretLocation => ({ port: node.port, ...(node.location === undefined ? {} : { location: node.location }), field });

/** Masks the password fields as BizTalk's ExportBindings does (what the simulator's ExportBindings writes). */
export function maskBindingPasswords(xml: string, source: string): string {
  return rewrite(xml, source, bizTalkRules, false, () => (_field, value) => (value !== '' ? MASK : undefined));
}

/**
 * Masks every secret of the rule table (fields, user-info, query strings, connection strings); returns the XML, what
 * was masked, and (in the same pass) the secrets that already held `******` (findMaskedPasswords).
 */
export function redactBindingSecrets(xml: string, source: string): { xml: string; redacted: SecretLocation[]; rules: string[]; masked: SecretLocation[] } {
  const redacted: SecretLocation[] = [];
  const rules: string[] = [];
  const masked: SecretLocation[] = [];
  const out = rewrite(xml, source, fullRules, true, (node) => (field, value, rule) => {
    if (value.trim() === MASK) masked.push(locationOf(node, field));
    if (!isSecretValue(value)) return undefined;
    redacted.push(locationOf(node, field));
    rules.push(rule);
    return MASK;
  });
  return { xml: out, redacted, rules, masked };
}

/** Lists the secrets that hold `******`: what a restore must be given. */
export function findMaskedPasswords(xml: string, source: string): SecretLocation[] {
  return redactBindingSecrets(xml, source).masked;
}

/** Lists every secret that holds a clear value (a binding file added as a resource keeps them; addresses keep user-info). */
export function findClearPasswords(xml: string, source: string): SecretLocation[] {
  const found: SecretLocation[] = [];
  rewrite(xml, source, fullRules, true, (node) => (field, value) => {
    if (isSecretValue(value)) found.push(locationOf(node, field));
    return undefined;
  });
  return found;
}

export function secretKey(location: SecretLocation): string {
  return `${location.port}|${location.location ?? ''}|${location.field}`;
}

/** Puts secrets back in place of `******`, in memory; returns the XML and the locations still masked. */
export function injectSecrets(xml: string, source: string, secrets: ReadonlyMap<string, string>): { xml: string; missing: SecretLocation[] } {
  const missing: SecretLocation[] = [];
  const out = rewrite(xml, source, fullRules, true, (node) => (field, value) => {
    if (value.trim() !== MASK) return undefined;
    const location = locationOf(node, field);
    const secret = secrets.get(secretKey(location));
    if (secret === undefined) missing.push(location);
    return secret;
  });
  return { xml: out, missing };
}

/** The clear values of the secrets (whole fields, or the secret inside a value), for a caller that masks them in the text itself. */
export function clearPasswordValues(xml: string, source: string): string[] {
  const found: string[] = [];
  rewrite(xml, source, fullRules, true, () => (_field, value) => {
    if (isSecretValue(value)) found.push(value);
    return undefined;
  });
  return found;
}
