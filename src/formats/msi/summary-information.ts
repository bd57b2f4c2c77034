// The "\u0005SummaryInformation" stream: an OLE property set (MS-OLEPS) with one section,
// FMTID_SummaryInformation {F29F85E0-4FF9-1068-AB91-08002B27B3D9}. Windows Installer uses the standard
// property ids with its own meanings: Revision = package code, PageCount = schema version, WordCount =
// source flags (bit 1 = compressed), Template = "Platform;Language".
import { BtsBackupError } from '../../errors/index.js';
import { decodeFromCodepage, encodeInCodepage } from './msi-string-pool.js';

const FMTID_SUMMARY = [0xe0, 0x85, 0x9f, 0xf2, 0xf9, 0x4f, 0x68, 0x10, 0xab, 0x91, 0x08, 0x00, 0x2b, 0x27, 0xb3, 0xd9];
const VT_I2 = 2;
const VT_I4 = 3;
const VT_LPSTR = 30;
const VT_FILETIME = 64;

export const PID = {
  codepage: 1,
  title: 2,
  subject: 3,
  author: 4,
  keywords: 5,
  comments: 6,
  template: 7,
  lastAuthor: 8,
  revision: 9,
  lastPrinted: 11,
  created: 12,
  lastSaved: 13,
  pageCount: 14,
  wordCount: 15,
  characterCount: 16,
  appName: 18,
  security: 19,
} as const;

export interface SummaryInformation {
  codepage?: number;
  title?: string;
  subject?: string;
  author?: string;
  keywords?: string;
  comments?: string;
  template?: string;
  lastAuthor?: string;
  revision?: string;
  lastPrinted?: Date;
  created?: Date;
  lastSaved?: Date;
  pageCount?: number;
  wordCount?: number;
  appName?: string;
  security?: number;
}

type Value = { kind: 'i2' | 'i4'; value: number } | { kind: 'string'; value: string } | { kind: 'time'; value: Date };

const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function encodeSummaryInformation(info: SummaryInformation): Uint8Array {
  const codepage = info.codepage ?? 1252;
  const props: [number, Value][] = [];
  const add = (id: number, value: Value | undefined): void => {
    if (value !== undefined) props.push([id, value]);
  };
  const str = (value: string | undefined): Value | undefined => (value === undefined ? undefined : { kind: 'string', value });
  const time = (value: Date | undefined): Value | undefined => (value === undefined ? undefined : { kind: 'time', value });
  const i4 = (value: number | undefined): Value | undefined => (value === undefined ? undefined : { kind: 'i4', value });
  add(PID.codepage, { kind: 'i2', value: codepage });
  add(PID.title, str(info.title));
  add(PID.subject, str(info.subject));
  add(PID.author, str(info.author));
  add(PID.keywords, str(info.keywords));
  add(PID.comments, str(info.comments));
  add(PID.template, str(info.template));
  add(PID.lastAuthor, str(info.lastAuthor));
  add(PID.revision, str(info.revision));
  add(PID.lastPrinted, time(info.lastPrinted));
  add(PID.created, time(info.created));
  add(PID.lastSaved, time(info.lastSaved));
  add(PID.pageCount, i4(info.pageCount));
  add(PID.wordCount, i4(info.wordCount));
  add(PID.appName, str(info.appName));
  add(PID.security, i4(info.security));

  const values = props.map(([, value]) => encodeValue(value, codepage));
  const sectionHeader = 8 + props.length * 8;
  const sectionSize = sectionHeader + values.reduce((sum, v) => sum + v.length, 0);
  const out = new Uint8Array(48 + sectionSize);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0, true);
  view.setUint32(4, 0x00020006, true);
  view.setUint32(24, 1, true);
  out.set(FMTID_SUMMARY, 28);
  view.setUint32(44, 48, true);
  view.setUint32(48, sectionSize, true);
  view.setUint32(52, props.length, true);
  let offset = sectionHeader;
  props.forEach(([id], index) => {
    view.setUint32(56 + index * 8, id, true);
    view.setUint32(60 + index * 8, offset, true);
    out.set(values[index]!, 48 + offset);
    offset += values[index]!.length;
  });
  return out;
}

function encodeValue(value: Value, codepage: number): Uint8Array {
  switch (value.kind) {
    case 'i2': {
      const out = new Uint8Array(8);
      const view = new DataView(out.buffer);
      view.setUint32(0, VT_I2, true);
      view.setInt16(4, value.value, true);
      return out;
    }
    case 'i4': {
      const out = new Uint8Array(8);
      const view = new DataView(out.buffer);
      view.setUint32(0, VT_I4, true);
      view.setInt32(4, value.value, true);
      return out;
    }
    case 'time': {
      const out = new Uint8Array(12);
      const view = new DataView(out.buffer);
      view.setUint32(0, VT_FILETIME, true);
      const ticks = BigInt(value.value.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
      view.setBigUint64(4, ticks, true);
      return out;
    }
    case 'string': {
      const bytes = encodeInCodepage(value.value, codepage);
      const length = bytes.length + 1;
      const out = new Uint8Array(8 + Math.ceil(length / 4) * 4);
      const view = new DataView(out.buffer);
      view.setUint32(0, VT_LPSTR, true);
      view.setUint32(4, length, true);
      out.set(bytes, 8);
      return out;
    }
  }
}

export function decodeSummaryInformation(bytes: Uint8Array, source: string): SummaryInformation {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} has a corrupt summary information stream: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged; export the application again.',
    });
  if (bytes.length < 48) throw fail('it is shorter than a property set header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0xfffe) throw fail('the byte order mark is not FFFE');
  if (view.getUint32(24, true) < 1) throw fail('it has no section');
  const sectionOffset = view.getUint32(44, true);
  if (sectionOffset + 8 > bytes.length) throw fail('the section lies beyond the stream');
  const count = view.getUint32(sectionOffset + 4, true);
  if (sectionOffset + 8 + count * 8 > bytes.length) throw fail('the property index is cut off');
  const raw = new Map<number, { type: number; at: number }>();
  for (let i = 0; i < count; i++) {
    const id = view.getUint32(sectionOffset + 8 + i * 8, true);
    const at = sectionOffset + view.getUint32(sectionOffset + 12 + i * 8, true);
    if (at + 4 > bytes.length) throw fail(`property ${id} lies beyond the stream`);
    raw.set(id, { type: view.getUint32(at, true), at: at + 4 });
  }
  const need = (at: number, length: number, id: number): void => {
    if (at + length > bytes.length) throw fail(`property ${id} is cut off`);
  };
  const codepageEntry = raw.get(PID.codepage);
  let codepage = 1252;
  if (codepageEntry !== undefined && codepageEntry.type === VT_I2) {
    need(codepageEntry.at, 2, PID.codepage);
    codepage = view.getUint16(codepageEntry.at, true);
  }
  const read = (id: number): string | number | Date | undefined => {
    const entry = raw.get(id);
    if (entry === undefined) return undefined;
    switch (entry.type) {
      case VT_I2:
        need(entry.at, 2, id);
        return view.getInt16(entry.at, true);
      case VT_I4:
        need(entry.at, 4, id);
        return view.getInt32(entry.at, true);
      case VT_LPSTR: {
        need(entry.at, 4, id);
        const length = view.getUint32(entry.at, true);
        need(entry.at + 4, length, id);
        let text = bytes.subarray(entry.at + 4, entry.at + 4 + length);
        const nul = text.indexOf(0);
        if (nul >= 0) text = text.subarray(0, nul);
        return decodeFromCodepage(text, codepage, source);
      }
      case VT_FILETIME: {
        need(entry.at, 8, id);
        const ticks = view.getBigUint64(entry.at, true);
        const ms = Number((ticks - FILETIME_UNIX_EPOCH) / 10000n);
        const date = new Date(ms);
        return Number.isNaN(date.getTime()) ? undefined : date;
      }
      default:
        return undefined;
    }
  };
  const info: SummaryInformation = { codepage };
  const setString = (key: 'title' | 'subject' | 'author' | 'keywords' | 'comments' | 'template' | 'lastAuthor' | 'revision' | 'appName', id: number): void => {
    const value = read(id);
    if (typeof value === 'string') info[key] = value;
  };
  const setNumber = (key: 'pageCount' | 'wordCount' | 'security', id: number): void => {
    const value = read(id);
    if (typeof value === 'number') info[key] = value;
  };
  const setDate = (key: 'lastPrinted' | 'created' | 'lastSaved', id: number): void => {
    const value = read(id);
    if (value instanceof Date) info[key] = value;
  };
  setString('title', PID.title);
  setString('subject', PID.subject);
  setString('author', PID.author);
  setString('keywords', PID.keywords);
  setString('comments', PID.comments);
  setString('template', PID.template);
  setString('lastAuthor', PID.lastAuthor);
  setString('revision', PID.revision);
  setString('appName', PID.appName);
  setDate('lastPrinted', PID.lastPrinted);
  setDate('created', PID.created);
  setDate('lastSaved', PID.lastSaved);
  setNumber('pageCount', PID.pageCount);
  setNumber('wordCount', PID.wordCount);
  setNumber('security', PID.security);
  return info;
}

/**
 * Returns the stream with the Revision Number (PID 9, the package code) set to `revision` and every other byte
 * kept: the property is rewritten where it is, the properties after it move only when its length changes.
 */
export function replaceSummaryRevision(bytes: Uint8Array, revision: string, source: string): Uint8Array {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} has a summary information stream we cannot patch: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged; export the application again.',
    });
  const info = decodeSummaryInformation(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectionOffset = view.getUint32(44, true);
  const count = view.getUint32(sectionOffset + 4, true);
  let index = -1;
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    offsets.push(view.getUint32(sectionOffset + 12 + i * 8, true));
    if (view.getUint32(sectionOffset + 8 + i * 8, true) === PID.revision) index = i;
  }
  if (index < 0) throw fail('it has no revision number (package code)');
  const at = sectionOffset + offsets[index]!;
  if (view.getUint32(at, true) !== VT_LPSTR) throw fail('its revision number is not a string');
  const oldLength = view.getUint32(at + 4, true);
  const oldEnd = at + 8 + Math.ceil(oldLength / 4) * 4;
  if (oldEnd > bytes.length) throw fail('its revision number is cut off');
  const text = encodeInCodepage(revision, info.codepage ?? 1252);
  const property = new Uint8Array(8 + Math.ceil((text.length + 1) / 4) * 4);
  const propertyView = new DataView(property.buffer);
  propertyView.setUint32(0, VT_LPSTR, true);
  propertyView.setUint32(4, text.length + 1, true);
  property.set(text, 8);
  const delta = property.length - (oldEnd - at);
  const out = new Uint8Array(bytes.length + delta);
  out.set(bytes.subarray(0, at));
  out.set(property, at);
  out.set(bytes.subarray(oldEnd), at + property.length);
  if (delta !== 0) {
    const outView = new DataView(out.buffer);
    outView.setUint32(sectionOffset, view.getUint32(sectionOffset, true) + delta, true);
    offsets.forEach((offset, i) => {
      if (offset > offsets[index]!) outView.setUint32(sectionOffset + 12 + i * 8, offset + delta, true);
    });
  }
  return out;
}
