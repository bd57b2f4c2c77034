import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { BtsBackupError } from '../../errors/index.js';

/**
 * Deepest element nesting accepted (libxml2's default). BizTalk's binding files, ADFs and ResourceSpecs nest about ten
 * levels (escaped CustomProps and AdapterConfig are documents of their own, parsed separately).
 */
export const MAX_XML_DEPTH = 256;

/**
 * Parses XML from a back end or a file, refusing what BizTalk files never need and attackers love:
 * any DOCTYPE (so no DTD, no internal or external entity can be expanded), any malformed document, and elements nested
 * deeper than MAX_XML_DEPTH. Throws E_INVALID_DATA naming `source`.
 *
 * Nothing here or in the walkers below recurses on the input's depth: xmldom's parser, serializer and textContent keep
 * their own stacks, and every walk of ours uses an explicit one, so a document nested thousands of levels deep is a
 * typed error, never a stack overflow.
 */
export function parseXml(text: string, source: string): Document {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) {
    throw new BtsBackupError('E_INVALID_DATA', `${source} contains a DTD or entity declaration, which BizTalkBackup refuses to read.`, {
      target: source,
      hint: 'BizTalk binding files, ADFs and ResourceSpec files never contain a DOCTYPE: remove it, or check where the file came from.',
    });
  }
  // A streaming pre-pass (saxes, a conformant parser that never recurses) checks well-formedness and depth first,
  // stopping at the first error or the first element too many, before a DOM is built: the DOM parser then only ever
  // sees documents both parsers agree are well formed and shallow.
  const checked = prepass(body, MAX_XML_DEPTH);
  if (checked === 'too-deep') throw tooDeep(source);
  if (checked !== undefined) throw invalidXml(source, checked, undefined);
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
  if (elementDepth(document.documentElement, MAX_XML_DEPTH + 1) > MAX_XML_DEPTH) throw tooDeep(source);
  return document;
}

function tooDeep(source: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source} nests elements more than ${MAX_XML_DEPTH} levels deep, which BizTalkBackup refuses to read.`, {
    target: source,
    hint: `BizTalk files nest about ten levels; a document nested deeper than ${MAX_XML_DEPTH} is damaged or hostile. Check where it came from.`,
    details: { check: 'xml-depth', maxDepth: MAX_XML_DEPTH },
  });
}

const STOP = Symbol('stop');

/** Undefined when `body` is well formed and nests at most `limit` deep; else 'too-deep' or saxes' first complaint. */
function prepass(body: string, limit: number): 'too-deep' | string | undefined {
  const parser = new SaxesParser({ xmlns: false });
  let depth = 0;
  let problem: string | undefined;
  parser.on('opentag', () => {
    depth += 1;
    if (depth > limit) {
      problem = 'too-deep';
      throw STOP;
    }
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (error) => {
    problem = error.message;
    throw STOP;
  });
  try {
    parser.write(body).close();
  } catch (error) {
    if (error !== STOP) problem ??= error instanceof Error ? error.message : String(error);
  }
  return problem;
}

/** True for parseXml's refusal of a document nested deeper than MAX_XML_DEPTH. */
export function isXmlTooDeep(error: unknown): boolean {
  return error instanceof BtsBackupError && (error.details as { check?: unknown } | undefined)?.check === 'xml-depth';
}

/** How deep elements nest under (and including) `root`, counting no further than `limit`. Iterative. */
function elementDepth(root: Element, limit: number): number {
  let deepest = 0;
  const stack: [Element, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) return deepest;
    for (const child of childElements(element)) stack.push([child, depth + 1]);
  }
  return deepest;
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
  return descendantElements(parent).filter((element) => element.localName === localName);
}

/** Every descendant element of `parent` (not `parent` itself), in document order. Iterative: no recursion on depth. */
export function descendantElements(parent: Element | Document): Element[] {
  const out: Element[] = [];
  const stack = childElements(parent).reverse();
  while (stack.length > 0) {
    const element = stack.pop()!;
    out.push(element);
    const children = childElements(element);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

export function textOf(element: Element | undefined): string {
  return element?.textContent ?? '';
}

/** Escapes text for an XML attribute or element. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
