// ExportBindings /GroupLevel in the simulator: one BindingInfo file holding every non-system application's bindings,
// each exactly as its application-level ExportBindings file gives them, so a caller can cut it back into slices.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Element } from '@xmldom/xmldom';
import { SYSTEM_APPLICATION } from '../../../src/core/model.js';
import { findClearPasswords, findMaskedPasswords } from '../../../src/formats/bindings/binding-secrets.js';
import { childElements, firstChild, parseXml, serializeXml, textOf } from '../../../src/formats/bindings/parse-xml.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import type { GroupState, SimulatedFault } from '../../../src/adapters/simulator/group-state.js';
import { createSampleGroupState, SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../../src/adapters/simulator/sample-group.js';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { hasGroupBindings } from '../../../src/ports/biztalk-group.js';

const NIGHT = new Date('2026-11-30T02:00:00.000Z');
const COLLECTIONS = ['ModuleRefCollection', 'SendPortCollection', 'DistributionListCollection', 'ReceivePortCollection'] as const;

function simulated(state: GroupState = createSampleGroupState(), now: Date = NIGHT): SimulatedGroup {
  return new SimulatedGroup(state, { gacRoot: '/nonexistent-gac', clock: { now: () => now } });
}

const rootOf = (xml: string, source: string): Element => parseXml(xml, source).documentElement as Element;
const items = (root: Element, collection: string): Element[] => {
  const found = firstChild(root, collection);
  return found === undefined ? [] : childElements(found);
};
const nonSystem = (group: SimulatedGroup): string[] => group.state.applications.filter((a) => !a.isSystem).map((a) => a.name);
const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

/** Ports by name, each with its `<ApplicationName>` and its serialised element. */
function ports(root: Element): Map<string, { application: string; xml: string }> {
  const out = new Map<string, { application: string; xml: string }>();
  for (const [collection, item] of [['SendPortCollection', 'SendPort'], ['ReceivePortCollection', 'ReceivePort']] as const) {
    for (const port of items(root, collection).filter((e) => e.localName === item)) {
      out.set(`${item}|${port.getAttribute('Name') ?? ''}`, { application: textOf(firstChild(port, 'ApplicationName')), xml: serializeXml(port) });
    }
  }
  return out;
}

test('the group-level file: one BindingInfo root, a fresh Timestamp, every non-system application\'s elements in order, no parties', (t) => {
  const group = simulated();
  const xml = group.exportedGroupBindings();
  const root = rootOf(xml, 'group bindings');
  t.is(root.localName, 'BindingInfo');
  t.deepEqual(childElements(root).map((e) => e.localName), ['Timestamp', ...COLLECTIONS, 'PartyCollection']);
  t.is(textOf(firstChild(root, 'Timestamp')), NIGHT.toISOString());
  t.is(firstChild(root, 'PartyCollection')?.getAttribute('xsi:nil'), 'true');
  t.true(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\r\n<BindingInfo '));
  t.false(/[^\r]\n/.test(xml), 'CRLF line ends, as BizTalk writes them');
  // Exactly the elements of each application's own file (same clock), application after application.
  const perApplication = nonSystem(group).map((name) => rootOf(group.exportedBindings(name), name));
  for (const collection of COLLECTIONS) {
    t.deepEqual(items(root, collection).map(serializeXml), perApplication.flatMap((r) => items(r, collection).map(serializeXml)), collection);
  }
  // The root's attributes are the application-level files' with the endpoint counts summed.
  const sum = (attribute: string): number => perApplication.reduce((n, r) => n + Number(r.getAttribute(attribute)), 0);
  t.is(Number(root.getAttribute('BoundEndpoints')), sum('BoundEndpoints'));
  t.is(Number(root.getAttribute('TotalEndpoints')), sum('TotalEndpoints'));
  t.true(sum('TotalEndpoints') > 0);
  t.is(root.getAttribute('BindingStatus'), 'FullyBound');
  const first = perApplication.find((r) => r.getAttribute('BindingStatus') === 'FullyBound') as Element;
  for (const attribute of ['Assembly', 'Version', 'xmlns:xsi', 'xmlns:xsd']) t.is(root.getAttribute(attribute), first.getAttribute(attribute), attribute);
});

test('the Timestamp is the time of the export, not one stored in an application\'s bindings', (t) => {
  const state = createSampleGroupState();
  const later = new Date('2026-12-01T02:00:00.000Z');
  t.is(textOf(firstChild(rootOf(simulated(state).exportedGroupBindings(), 'a'), 'Timestamp')), NIGHT.toISOString());
  t.is(textOf(firstChild(rootOf(simulated(state, later).exportedGroupBindings(), 'b'), 'Timestamp')), later.toISOString());
});

test('every port names its application, each application\'s ports and modules are all there, [Application:X] included', (t) => {
  const group = simulated();
  const root = rootOf(group.exportedGroupBindings(), 'group bindings');
  const found = ports(root);
  let count = 0;
  for (const name of nonSystem(group)) {
    const own = ports(rootOf(group.exportedBindings(name), name));
    count += own.size;
    for (const [key, port] of own) {
      t.is(found.get(key)?.application, name, key);
      t.is(found.get(key)?.xml, port.xml, key);
    }
  }
  t.is(found.size, count);
  t.true(count >= 6, 'the sample group has send and receive ports in several applications');
  const modules = items(root, 'ModuleRefCollection').map((m) => m.getAttribute('Name'));
  for (const name of nonSystem(group)) t.true(modules.includes(`[Application:${name}]`), name);
  t.true(modules.includes('Contoso.Orders.Orchestrations'));
  t.is(modules.filter((m) => m === '[Application:Contoso.Orders]').length, 1);
});

test('BizTalk.System contributes nothing, even with bindings; an application without bindings only its empty file\'s module', (t) => {
  const state = createSampleGroupState();
  const system = state.applications.find((a) => a.name === SYSTEM_APPLICATION)!;
  system.bindings = buildBindingInfo({ application: SYSTEM_APPLICATION, modules: [], receivePorts: [], sendPorts: [{ name: 'System.Send', transport: { adapter: 'FILE', address: 'C:\\out\\%MessageID%.xml', props: {}, host: 'SendHost', hostTrusted: false } }] });
  const group = simulated(state);
  const root = rootOf(group.exportedGroupBindings(), 'group bindings');
  t.false([...ports(root).keys()].includes('SendPort|System.Send'));
  t.false(items(root, 'ModuleRefCollection').some((m) => m.getAttribute('Name') === `[Application:${SYSTEM_APPLICATION}]`));
  const empty = state.applications.find((a) => a.isDefault && a.bindings === undefined)!;
  const own = rootOf(group.exportedBindings(empty.name), empty.name);
  t.deepEqual(items(own, 'ModuleRefCollection').map((m) => m.getAttribute('Name')), [`[Application:${empty.name}]`]);
  t.false([...ports(root).values()].some((p) => p.application === empty.name));
  t.is(items(root, 'ModuleRefCollection').filter((m) => m.getAttribute('Name') === `[Application:${empty.name}]`).length, 1);
});

test('a group of BizTalk.System alone: NoBindings, no endpoints, empty collections', (t) => {
  const state = createSampleGroupState();
  state.applications = state.applications.filter((a) => a.isSystem);
  const root = rootOf(simulated(state).exportedGroupBindings(), 'group bindings');
  t.is(root.getAttribute('BindingStatus'), 'NoBindings');
  t.is(root.getAttribute('TotalEndpoints'), '0');
  for (const collection of COLLECTIONS) t.deepEqual(items(root, collection), [], collection);
});

test('passwords are masked as in the application-level files: none in clear, every masked one listed', (t) => {
  const group = simulated();
  const xml = group.exportedGroupBindings();
  t.false(xml.includes(SAMPLE_FTP_PASSWORD));
  t.false(xml.includes(SAMPLE_SFTP_PASSWORD));
  t.deepEqual(findClearPasswords(xml, 'group bindings'), []);
  const masked = findMaskedPasswords(xml, 'group bindings');
  t.deepEqual(masked, nonSystem(group).flatMap((name) => findMaskedPasswords(group.exportedBindings(name), name)));
  t.true(masked.length >= 2, 'the FTP and SFTP passwords');
  // The state itself still holds them: masking is on export.
  t.true(group.state.applications.some((a) => (a.bindings ?? '').includes(SAMPLE_FTP_PASSWORD)));
});

test('a binding change in one application changes only that application\'s ports in the file', (t) => {
  const group = simulated();
  const before = ports(rootOf(group.exportedGroupBindings(), 'before'));
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.bindings = billing.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  const afterRoot = rootOf(group.exportedGroupBindings(), 'after');
  const after = ports(afterRoot);
  t.deepEqual([...after.keys()], [...before.keys()]);
  const changed = [...after].filter(([key, port]) => before.get(key)?.xml !== port.xml).map(([, port]) => port.application);
  t.deepEqual(changed, ['Contoso.Billing']);
  t.true(serializeXml(afterRoot).includes('-moved</Address>'));
});

test('exportGroupBindings writes the file (UTF-8) the simulator describes, and the group says it can', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-group-bindings-'));
  try {
    const group = simulated();
    t.true(hasGroupBindings(group));
    const file = join(dir, 'Group.BindingInfo.xml');
    const outcome = await group.exportGroupBindings(file);
    t.true(outcome.information.length > 0);
    t.is(await readFile(file, 'utf8'), group.exportedGroupBindings());
    t.true((await readFile(file, 'utf8')).includes('Zahlungsverkehr Süd'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// ---- faults: `groupLevel: true` fails the group-level export alone, so a caller's per-application fallback can be tested.
const failing = ['The bindings of the group could not be read.'];

async function exportsWith(faults: SimulatedFault[]): Promise<{ group: boolean; billing: boolean; orders: boolean; inventory: boolean }> {
  const state = createSampleGroupState();
  state.faults = faults;
  const group = simulated(state);
  const dir = await mkdtemp(join(tmpdir(), 'sim-group-faults-'));
  const ok = async (call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (code(error) !== 'E_BTSTASK_FAILED') throw error;
      return false;
    }
  };
  try {
    const inventory = await group.readGroupInventory();
    return {
      group: await ok(() => group.exportGroupBindings(join(dir, 'group.xml'))),
      billing: await ok(() => group.exportBindings('Contoso.Billing', join(dir, 'billing.xml'))),
      orders: await ok(() => group.exportBindings('Contoso.Orders', join(dir, 'orders.xml'))),
      inventory: inventory.applications.every((entry) => !('error' in entry)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('fault groupLevel: true fails ExportBindings /GroupLevel only; every per-application export and the inventory still work', async (t) => {
  t.deepEqual(await exportsWith([{ command: 'ExportBindings', groupLevel: true, errors: failing }]), { group: false, billing: true, orders: true, inventory: true });
});

test('faults keep their meaning: one application\'s ExportBindings fault leaves the group-level export alone; one for any application fails both', async (t) => {
  t.deepEqual(await exportsWith([{ command: 'ExportBindings', application: 'Contoso.Billing', errors: failing }]), { group: true, billing: false, orders: true, inventory: false });
  t.deepEqual(await exportsWith([{ command: 'ExportBindings', errors: failing }]), { group: false, billing: false, orders: false, inventory: false });
  t.deepEqual(await exportsWith([{ command: 'ExportBindings', groupLevel: false, errors: failing }]), { group: true, billing: false, orders: false, inventory: false });
});

test('a group-level fault names the command and carries the Error: lines and exit code', async (t) => {
  const state = createSampleGroupState();
  state.faults = [{ command: 'ExportBindings', groupLevel: true, errors: failing, exitCode: 4 }];
  const error = await t.throwsAsync(simulated(state).exportGroupBindings(join(tmpdir(), 'never-written-group.xml')));
  t.is(code(error), 'E_BTSTASK_FAILED');
  t.deepEqual((error as { details?: Record<string, unknown> }).details, { command: 'ExportBindings', exitCode: 4, errors: failing });
});
