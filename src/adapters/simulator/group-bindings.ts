import type { Document, Element, Node } from '@xmldom/xmldom';
import { childElements, firstChild, parseXml, serializeXml } from '../../formats/bindings/parse-xml.js';

/** An application's bindings as its application-level ExportBindings file holds them (already masked). */
export interface ApplicationBindingsFile {
  application: string;
  xml: string;
}

/** The collections a group-level file gathers from every application's file, in the order BizTalk writes them. */
const MERGED_COLLECTIONS = ['ModuleRefCollection', 'SendPortCollection', 'DistributionListCollection', 'ReceivePortCollection'] as const;

const DEPLOYMENT_ASSEMBLY = 'Microsoft.BizTalk.Deployment, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';

/**
 * The file `ExportBindings /GroupLevel` writes: one BindingInfo root (BoundEndpoints/TotalEndpoints summed over the
 * applications), one Timestamp, then each collection holding the elements of every application's own file in the
 * applications' order (each port keeps its `<ApplicationName>`, each application its `[Application:<App>]` module),
 * and every party the applications' files name, once each. Built by moving parsed elements into a parsed skeleton: the input is never pasted in as text.
 */
export function mergeGroupBindings(files: readonly ApplicationBindingsFile[], timestamp: string): string {
  const parsed = files.map((file) => parseXml(file.xml, `bindings of ${file.application}`));
  let bound = 0;
  let total = 0;
  for (const document of parsed) {
    bound += endpointCount(document, 'BoundEndpoints');
    total += endpointCount(document, 'TotalEndpoints');
  }
  const status = total === 0 ? 'NoBindings' : bound === total ? 'FullyBound' : 'PartiallyBound';
  const group = parseXml(skeleton(bound, total, status), 'the group-level binding skeleton');
  const root = group.documentElement as Element;
  const timestampElement = firstChild(root, 'Timestamp') as Element;
  timestampElement.appendChild(group.createTextNode(timestamp));
  for (const name of MERGED_COLLECTIONS) {
    const target = firstChild(root, name) as Element;
    const items = parsed.flatMap((document) => {
      const collection = document.documentElement === null ? undefined : firstChild(document.documentElement, name);
      return collection === undefined ? [] : childElements(collection);
    });
    for (const item of items) {
      target.appendChild(group.createTextNode('\n    '));
      target.appendChild(group.importNode(item as Node, true));
    }
    if (items.length > 0) target.appendChild(group.createTextNode('\n  '));
  }
  // Parties: the group-level file carries every party of the group (BizTalk always exports global party information at
  // group level); a party bound to several applications is in each of their files, once here.
  const parties = new Map<string, Element>();
  for (const document of parsed) {
    const collection = document.documentElement === null ? undefined : firstChild(document.documentElement, 'PartyCollection');
    for (const party of collection === undefined ? [] : childElements(collection, 'Party')) {
      const name = party.getAttribute('Name') ?? '';
      if (!parties.has(name)) parties.set(name, party);
    }
  }
  if (parties.size > 0) {
    const old = firstChild(root, 'PartyCollection') as Element;
    const collection = group.createElement('PartyCollection');
    for (const party of parties.values()) {
      collection.appendChild(group.createTextNode('\n    '));
      collection.appendChild(group.importNode(party as Node, true));
    }
    collection.appendChild(group.createTextNode('\n  '));
    root.replaceChild(collection, old);
  }
  // xmldom gives LF line ends (the parser normalises CRLF in text); BizTalk writes CRLF. Every raw line end in the
  // serialised text is whitespace or character data, which a parser reads back as LF either way.
  return `${serializeXml(group as Document).replace(/\n/g, '\r\n')}\r\n`;
}

function endpointCount(document: Document, attribute: string): number {
  const value = document.documentElement?.getAttribute(attribute) ?? '';
  return /^\d+$/.test(value) ? Number(value) : 0;
}

function skeleton(bound: number, total: number, status: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Assembly="${DEPLOYMENT_ASSEMBLY}" Version="3.5.1.0" BindingStatus="${status}" BoundEndpoints="${bound}" TotalEndpoints="${total}">`,
    '  <Timestamp></Timestamp>',
    ...MERGED_COLLECTIONS.map((name) => `  <${name}></${name}>`),
    '  <PartyCollection xsi:nil="true" />',
    '</BindingInfo>',
  ].join('\n');
}
