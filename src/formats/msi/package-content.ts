import { createHash } from 'node:crypto';
import { ResourceType } from '../../core/model.js';
import { normalizeBindings } from '../bindings/normalize-bindings.js';
import { decodeText } from '../bindings/parse-xml.js';
import type { ApplicationPackage } from './application-package.js';

/** ADF resource properties that change from one export of the same content to the next, or name where it came from. */
const EXPORT_PROPERTIES = new Set(['sourcelocation', 'shortcabinetname', 'lastaccesstime']);
/** The generated bindings are made at export time: their file times are the export's. */
const GENERATED_BINDING_PROPERTIES = new Set(['creationtime', 'lastwritetime']);

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/**
 * What an application's MSI carries, per resource, without what every export changes (ProductCode, PackageCode, file
 * keys, cabinet names and folders, the bindings' Timestamp): `type|luid` -> SHA-256 of the resource's install
 * properties and its files (name and bytes; binding files compared as normalizeBindings compares them). Two exports
 * of an unchanged application give the same map; a file replaced under the same name changes its resource's entry.
 */
export function packageContent(pkg: ApplicationPackage, source: string): Map<string, string> {
  const content = new Map<string, string>();
  for (const resource of pkg.resources) {
    const generated = resource.type === ResourceType.BizTalkBinding && resource.luid.startsWith('Application/');
    const properties = Object.entries(resource.properties)
      .filter(([key]) => !EXPORT_PROPERTIES.has(key.toLowerCase()) && !(generated && GENERATED_BINDING_PROPERTIES.has(key.toLowerCase())))
      .map(([key, value]) => `${key.toLowerCase()}=${JSON.stringify(value)}`)
      .sort();
    const files = resource.files
      .map((file) => {
        // Inner cabinets hold `<Kind>\<folder>\<path>`; the folder may be drawn anew each export, the path below it
        // is the resource's own layout (a web directory's subfolders): compared, case-insensitively.
        const parts = file.path.split(/[\\/]/);
        const name = (parts.length >= 3 ? parts.slice(2) : parts.slice(-1)).join('/').toLowerCase();
        const bytes = resource.type === ResourceType.BizTalkBinding && name.endsWith('.xml') ? `bindings:${normalizeBindings(decodeText(file.bytes), `${source} (${resource.luid})`).fingerprint}` : sha256(file.bytes);
        return `${name}:${bytes}`;
      })
      .sort();
    content.set(`${resource.type}|${resource.luid}`, sha256(JSON.stringify({ properties, files })));
  }
  const references = [...pkg.adf.references].map((r) => r.toLowerCase()).sort();
  content.set('references', sha256(JSON.stringify(references)));
  return content;
}

/** The resources whose content differs between two packageContent maps (added, removed or changed), as `Type Luid`. */
export function contentDifferences(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .filter((key) => before.get(key) !== after.get(key))
    .sort()
    .map((key) => (key === 'references' ? 'application references' : key.replace(/^System\.BizTalk:/, '').replace('|', ' ')));
}
