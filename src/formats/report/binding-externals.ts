import type { Element } from '@xmldom/xmldom';
import type { BindingExternals } from '../../core/report-model.js';
import { childElements, isXmlTooDeep, parseXml } from '../bindings/parse-xml.js';

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;
/** Escaped adapter configuration (CustomProps inside TransportTypeData) is read again, this many levels deep at most. */
const MAX_NESTED = 3;

/**
 * What a BindingInfo document names that a backup cannot hold: SSO affiliate applications, certificates (by
 * thumbprint), and the pipelines its ports use (by assembly). Reads the escaped adapter configuration too. Never reads
 * a password (it looks at names, thumbprints and pipeline types only). Malformed XML or a DTD: E_INVALID_DATA.
 */
export function readBindingExternals(xml: string, source: string): BindingExternals {
  const out: BindingExternals = { ssoAffiliateApplications: [], certificates: [], pipelines: [] };
  const root = parseXml(xml, source).documentElement;
  if (root === null) return out;
  walk(root, '', source, 0, out);
  const seen = new Set<string>();
  const unique = <T>(items: T[], key: (item: T) => string): T[] =>
    items.filter((item) => {
      const k = key(item);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return {
    ssoAffiliateApplications: unique(out.ssoAffiliateApplications, (s) => `sso|${s.name.toLowerCase()}|${s.where}`),
    certificates: unique(out.certificates, (c) => `cert|${c.thumbprint.toUpperCase()}|${c.where}`),
    pipelines: unique(out.pipelines, (p) => `pipe|${p.name}|${p.assembly}|${p.where}`),
  };
}

function portLabel(element: Element, current: string): string {
  const name = element.getAttribute('Name') ?? '';
  switch (element.localName) {
    case 'SendPort':
      return `send port "${name}"`;
    case 'ReceivePort':
      return `receive port "${name}"`;
    case 'ReceiveLocation':
      return `receive location "${name}"${current === '' ? '' : ` of ${current.replace(/^receive port /, '')}`}`;
    case 'SendPortGroup':
      return `send port group "${name}"`;
    case 'Party':
      return `party "${name}"`;
    default:
      return current;
  }
}

function walk(start: Element, startWhere: string, source: string, nested: number, out: BindingExternals): void {
  // Explicit stack: a document thousands of levels deep cannot overflow it.
  const stack: { element: Element; where: string }[] = [{ element: start, where: startWhere }];
  while (stack.length > 0) {
    const { element, where: outer } = stack.pop()!;
    const where = portLabel(element, outer);
    const local = element.localName ?? '';
    if ((local === 'SendPipeline' || local === 'ReceivePipeline') && element.getAttribute('FullyQualifiedName') !== null) {
      const fqn = element.getAttribute('FullyQualifiedName') ?? '';
      const comma = fqn.indexOf(',');
      if (comma > 0) out.pipelines.push({ name: element.getAttribute('Name') ?? fqn.slice(0, comma).trim(), assembly: fqn.slice(comma + 1).trim(), where: where === '' ? 'the bindings' : where });
    }
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute !== null) consider(attribute.localName ?? attribute.name, attribute.value, where, out);
    }
    const children = childElements(element);
    if (children.length === 0) {
      const text = (element.textContent ?? '').trim();
      consider(local, text, where, out);
      if (nested < MAX_NESTED && text.startsWith('<')) {
        let inner: Element | null = null;
        try {
          inner = parseXml(text, source).documentElement;
        } catch (error) {
          if (isXmlTooDeep(error)) throw error;
        }
        if (inner !== null) walk(inner, where, source, nested + 1, out);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ element: children[i]!, where });
  }
}

function consider(name: string, value: string, where: string, out: BindingExternals): void {
  const trimmed = value.trim();
  if (trimmed === '') return;
  const lowerName = name.toLowerCase();
  const at = where === '' ? 'the bindings' : where;
  if (/affiliate/.test(lowerName) && !/^(true|false|0|1)$/i.test(trimmed)) out.ssoAffiliateApplications.push({ name: trimmed, where: at });
  if ((/thumbprint/.test(lowerName) || /cert/.test(lowerName)) && THUMBPRINT.test(trimmed.replace(/\s/g, ''))) out.certificates.push({ thumbprint: trimmed.replace(/\s/g, '').toUpperCase(), where: at });
}
