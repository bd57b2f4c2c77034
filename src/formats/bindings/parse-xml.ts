import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { BtsBackupError } from '../../errors/index.js';

/**
 * Parses XML from a back end or a file, refusing what BizTalk files never need and attackers love:
 * any DOCTYPE (so no DTD, no internal or external entity can be expanded), and any malformed document.
 * Throws E_INVALID_DATA naming `source`.
 */
export function parseXml(text: string, source: string): Document {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) {
    throw new BtsBackupError('E_INVALID_DATA', `${source} contains a DTD or entity declaration, which BizTalkBackup refuses to read.`, {
      target: source,
      hint: 'BizTalk binding files, ADFs and ResourceSpec files never contain a DOCTYPE: remove it, or check where the file came from.',
    });
  }
  const problems: string[] = [];
  let document: Document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') {
          problems.push(message);
          throw new Error(message);
        }
      },
    }).parseFromString(body, 'text/xml');
  } catch (cause) {
    throw invalidXml(source, problems[0] ?? (cause instanceof Error ? cause.message : String(cause)), cause);
  }
  if (document.documentElement === null) throw invalidXml(source, 'the document has no root element', undefined);
  return document;
}

function invalidXml(source: string, problem: string, cause: unknown): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source} is not well-formed XML: ${firstLine(problem)}`, {
    target: source,
    hint: 'Check the file in an XML editor; BizTalkBackup does not repair malformed XML.',
    cause,
  });
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').slice(0, 200);
}

/** Decodes bytes by BOM (UTF-16 LE/BE, UTF-8), defaulting to UTF-8: ResourceSpec files are UTF-16, others UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  return new TextDecoder('utf-8').decode(bytes);
}

export function serializeXml(node: Document | Element): string {
  return new XMLSerializer().serializeToString(node);
}

/** Child elements of `parent` with the given local name (namespace-agnostic). */
export function childElements(parent: Element | Document, localName?: string): Element[] {
  const out: Element[] = [];
  const children = parent.childNodes;
  for (let i = 0; i < children.length; i++) {
    const node = children.item(i);
    if (node !== null && node.nodeType === 1) {
      const element = node as Element;
      if (localName === undefined || element.localName === localName) out.push(element);
    }
  }
  return out;
}

export function firstChild(parent: Element | Document, localName: string): Element | undefined {
  return childElements(parent, localName)[0];
}

/** All descendant elements with the given local name, in document order. */
export function descendants(parent: Element | Document, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Element | Document): void => {
    for (const child of childElements(node)) {
      if (child.localName === localName) out.push(child);
      walk(child);
    }
  };
  walk(parent);
  return out;
}

export function textOf(element: Element | undefined): string {
  return element?.textContent ?? '';
}

/** Escapes text for an XML attribute or element. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
