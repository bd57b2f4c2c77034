import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { formatAssemblyName, parseAssemblyName } from '../../core/assembly-name.js';
import { BtsBackupError } from '../../errors/index.js';
import { redactBindingSecrets } from './binding-secrets.js';
import { canonical } from './normalize-bindings.js';
import { childElements, descendants, firstChild, parseXml, textOf } from './parse-xml.js';

/** An application of the group, and the assemblies it deploys (ListApp's LUIDs), to attribute module bindings. */
export interface BindingsOwner {
  application: string;
  assemblies: readonly string[];
}

/** A group-level binding file cut per application: what each owns, and what no application owns. */
export interface GroupBindingsSlices {
  /**
   * SHA-256 of what no application can be said to own: parties, ports and modules naming no known application (or
   * more than one), unknown elements, and the root's attributes but the endpoint counts.
   */
  residue: string;
  /** Application (as `owners` names it) -> SHA-256 of its slice: its modules, send ports, send port groups, receive ports. */
  slices: Map<string, string>;
  /**
   * The same without the ports of other applications its slice takes in by reference: what the application's own
   * ExportBindings file, cut the same way, gives for it when both were read from the same bindings.
   */
  own: Map<string, string>;
}

/** Changes whenever the cut changes, so a slice taken by another version never matches by accident. */
const SLICE_FORMAT = 'group-bindings-slice/1';

/** Root attributes an application's own file derives from its content (counted over the group, they would tie every application to every other). */
const DERIVED_ROOT_ATTRIBUTES = new Set(['BoundEndpoints', 'TotalEndpoints', 'BindingStatus']);

/** Collections whose items name their application in an `<ApplicationName>` child (BizTalk 2009 and later). */
const NAMED_ITEMS: Readonly<Record<string, string>> = { SendPortCollection: 'SendPort', ReceivePortCollection: 'ReceivePort', DistributionListCollection: 'DistributionList' };

const PORT_KINDS = new Set(Object.values(NAMED_ITEMS));
/** How an orchestration's port binding names a port: reference element -> the port element it names. */
const PORT_REFERENCES = [
  ['SendPortRef', 'SendPort'],
  ['ReceivePortRef', 'ReceivePort'],
  ['DistributionListRef', 'DistributionList'],
] as const;

const PSEUDO_MODULE = /^\[Application:(.*)\]$/s;

/**
 * Cuts the BindingInfo that `ExportBindings /GroupLevel` writes into one slice per application, so one call a night
 * tells which applications' bindings can have changed: an application whose slice and the residue are what they were
 * has the bindings it had, and needs no ExportBindings of its own. Each slice is canonical as normalizeBindings makes
 * it (Timestamp dropped, secrets masked, escaped configuration compared as XML, order-independent).
 *
 * Attribution errs towards the residue: a port whose `<ApplicationName>` is missing, nil or names no application of
 * `owners` (or two of them, differing by case only), a module whose assembly no owner (or two) deploys, parties and
 * anything unknown. A change there changes the residue, which sends every application back to its own ExportBindings.
 * Malformed XML or a root that is not BindingInfo is E_INVALID_DATA naming `source`.
 */
export function sliceGroupBindings(xml: string, owners: readonly BindingsOwner[], source: string): GroupBindingsSlices {
  return bindingsCutter(owners)(xml, source);
}

/**
 * sliceGroupBindings with the owners indexed once, for cutting many files against the same owners (each application's
 * own file, to confirm its slice). With `focus`, only that application's slice is digested (the others are left out).
 */
export function bindingsCutter(owners: readonly BindingsOwner[]): (xml: string, source: string, focus?: string) => GroupBindingsSlices {
  const key = (name: string): string => name.normalize('NFC').toLowerCase();
  const applications = uniqueIndex(owners.map((owner) => [key(owner.application), owner.application] as const));
  const assemblies = uniqueIndex(
    owners.flatMap((owner) =>
      owner.assemblies.flatMap((fullName) => {
        const k = assemblyKey(fullName);
        return k === undefined ? [] : [[k, owner.application] as const];
      }),
    ),
  );
  const known = new Set(owners.map((owner) => owner.application));
  return (xml, source, focus) => cut(xml, source, { key, applications, assemblies, digested: focus === undefined ? [...known] : known.has(focus) ? [focus] : [] });
}

function cut(
  xml: string,
  source: string,
  index: { key: (name: string) => string; applications: Map<string, string | null>; assemblies: Map<string, string | null>; digested: readonly string[] },
): GroupBindingsSlices {
  const { key, applications, assemblies } = index;
  const root = parseXml(redactBindingSecrets(xml, source).xml, source).documentElement;
  if (root === null || root.localName !== 'BindingInfo') {
    throw new BtsBackupError('E_INVALID_DATA', `${source} is not a BindingInfo document (its root is ${root?.localName ?? 'missing'}).`, {
      target: source,
      hint: 'ExportBindings /GroupLevel writes a BindingInfo document; each application is read by its own ExportBindings instead.',
    });
  }
  const parts = new Map<string, string[]>(index.digested.map((application) => [application, []]));
  const residue: string[] = [];
  /** Canonical text of each port and send port group by kind and name; the ports each application's modules name. */
  const portTexts = new Map<string, string>();
  const referencesOf = new Map<string, Set<string>>();
  const place = (owner: string | undefined, element: Element): void => {
    const text = canonical(element, source);
    const kind = element.localName ?? '';
    if (PORT_KINDS.has(kind)) portTexts.set(`${kind}|${element.getAttribute('Name') ?? ''}`, text);
    // Orchestration port bindings (in modules) and send port group members name ports by reference.
    if (owner !== undefined) {
      const refs = referencesOf.get(owner) ?? new Set<string>();
      for (const [refKind, portKind] of PORT_REFERENCES) for (const ref of descendants(element, refKind)) if (ref.hasAttribute('Name')) refs.add(`${portKind}|${ref.getAttribute('Name') ?? ''}`);
      referencesOf.set(owner, refs);
    }
    // An owner left out of the digests (cutting for one application) keeps its elements out of the residue too.
    if (owner === undefined) residue.push(text);
    else parts.get(owner)?.push(text);
  };
  residue.push(attributesOf(root, DERIVED_ROOT_ATTRIBUTES));
  for (const child of childElements(root)) {
    const name = child.localName ?? '';
    if (name === 'Timestamp') continue;
    if (name === 'ModuleRefCollection') {
      residue.push(`${name}${attributesOf(child)}`);
      for (const module of childElements(child)) place(module.localName === 'ModuleRef' ? moduleOwner(module, applications, assemblies, key) : undefined, module);
    } else if (NAMED_ITEMS[name] !== undefined) {
      residue.push(`${name}${attributesOf(child)}`);
      for (const item of childElements(child)) {
        const named = item.localName === NAMED_ITEMS[name] ? firstChild(item, 'ApplicationName') : undefined;
        const application = named === undefined || isNil(named) ? undefined : applications.get(key(textOf(named).trim()));
        place(application ?? undefined, item);
      }
    } else {
      place(undefined, child);
    }
  }
  const digest = (texts: string[]): string => createHash('sha256').update(`${SLICE_FORMAT}\n${[...texts].sort().join('\n')}`, 'utf8').digest('hex');
  const own = new Map([...parts].map(([application, texts]) => [application, digest(texts)]));
  // A port an application's orchestrations are bound to, or its send port groups hold, counts in its slice too,
  // whoever owns it: should BizTalk's application-level export carry such a port, its change still shows.
  for (const [owner, refs] of referencesOf) {
    for (const ref of refs) {
      const text = portTexts.get(ref);
      if (text !== undefined) parts.get(owner)?.push(`ref:${text}`);
    }
  }
  return { residue: digest(residue), slices: new Map([...parts].map(([application, texts]) => [application, digest(texts)])), own };
}

/** key -> value, with keys that two different values claim mapped to null (owned by no one). */
function uniqueIndex(entries: readonly (readonly [string, string])[]): Map<string, string | null> {
  const index = new Map<string, string | null>();
  for (const [k, value] of entries) {
    const known = index.get(k);
    index.set(k, known === undefined || known === value ? value : null);
  }
  return index;
}

function moduleOwner(module: Element, applications: Map<string, string | null>, assemblies: Map<string, string | null>, key: (name: string) => string): string | undefined {
  const name = module.getAttribute('Name') ?? '';
  const pseudo = PSEUDO_MODULE.exec(name);
  if (pseudo !== null) return applications.get(key(pseudo[1] ?? '')) ?? undefined;
  const fullName =
    module.getAttribute('FullName') ||
    `${name}, Version=${module.getAttribute('Version') ?? ''}, Culture=${module.getAttribute('Culture') ?? ''}, PublicKeyToken=${module.getAttribute('PublicKeyToken') ?? ''}`;
  const k = assemblyKey(fullName);
  return (k === undefined ? undefined : assemblies.get(k)) ?? undefined;
}

/** The assembly's canonical full name, lower case (ModuleRef spells `Culture=""` where ListApp says neutral). */
function assemblyKey(fullName: string): string | undefined {
  try {
    return formatAssemblyName(parseAssemblyName(fullName)).toLowerCase();
  } catch {
    return undefined;
  }
}

function isNil(element: Element): boolean {
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i);
    if (attribute?.localName === 'nil' && attribute.value.trim().toLowerCase() === 'true') return true;
  }
  return textOf(element).trim() === '';
}

/** An element's own attributes (namespace declarations and `skip` left out), sorted, as text. */
function attributesOf(element: Element, skip: ReadonlySet<string> = new Set()): string {
  const attributes: string[] = [];
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i);
    if (attribute === null || attribute.name.startsWith('xmlns')) continue;
    const name = attribute.localName ?? attribute.name;
    if (!skip.has(name)) attributes.push(`${name}=${JSON.stringify(attribute.value)}`);
  }
  return `[${attributes.sort().join(' ')}]`;
}
