// The contract every BizTalkGroup back end passes (restic's backend tests): the in-process SimulatedGroup and the
// real BTSTask adapter driven against the BTSTask emulator. Each test gets a fresh group built from the sample
// state, and checks the back end against that state, so passing back ends agree with each other.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestFn } from 'ava';
import { readApplicationPackage } from '../../src/formats/msi/application-package.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../src/adapters/simulator/sample-group.js';
import { childElements, decodeText, descendants, firstChild, parseXml, textOf } from '../../src/formats/bindings/parse-xml.js';
import { ResourceType } from '../../src/core/model.js';
import { hasGroupBindings, hasGroupInventory, isInventoryFailure, type BizTalkGroup, type ResourceRef } from '../../src/ports/biztalk-group.js';
import { findClearPasswords } from '../../src/formats/bindings/binding-secrets.js';
import { normalizeBindings } from '../../src/formats/bindings/normalize-bindings.js';

export interface DeploymentHarness {
  group: BizTalkGroup;
  /** The state the group was built from. */
  state: GroupState;
  /** A scratch folder for packages and bindings. */
  dir: string;
  cleanup(): Promise<void>;
}

export type DeploymentFactory = () => Promise<DeploymentHarness>;

const key = (r: ResourceRef): string => `${r.type}|${r.luid}`;
const generatedBinding = (app: string): ResourceRef => ({ type: ResourceType.BizTalkBinding, luid: `Application/${app}` });
/**
 * ListApp /ResourceSpec lists the generated binding (`Application/<App>`); SimulatedGroup.listResources does not
 * (yet). The contract compares the application's own resources and leaves that one entry out on both sides.
 */
const withoutGeneratedBinding = (app: string, refs: ResourceRef[]): string[] => refs.map(key).filter((k) => k !== key(generatedBinding(app))).sort();

function portNames(xml: string, source: string): { send: string[]; receive: string[] } {
  const document = parseXml(xml, source);
  const root = document.documentElement;
  if (root === null) return { send: [], receive: [] };
  const named = (collection: string, item: string): string[] =>
    descendants(root, collection)
      .flatMap((c) => childElements(c, item))
      .map((e) => e.getAttribute('Name') ?? '')
      .sort();
  return { send: named('SendPortCollection', 'SendPort'), receive: named('ReceivePortCollection', 'ReceivePort') };
}

export interface DeploymentContractOptions {
  /** The back end offers the one-call whole-group inventory (`readGroupInventory`): its test runs, else it must be absent. */
  groupInventory: boolean;
  /** The back end exports every application's bindings in one file (`exportGroupBindings`, BTSTask /GroupLevel): its test runs, else it must be absent. */
  groupBindings: boolean;
}

/** Port names of a group-level file, by the application each port names in `<ApplicationName>`. */
function portNamesByApplication(xml: string, source: string): Map<string, { send: string[]; receive: string[] }> {
  const root = parseXml(xml, source).documentElement;
  const out = new Map<string, { send: string[]; receive: string[] }>();
  if (root === null) return out;
  for (const [collection, item, side] of [['SendPortCollection', 'SendPort', 'send'], ['ReceivePortCollection', 'ReceivePort', 'receive']] as const) {
    for (const port of descendants(root, collection).flatMap((c) => childElements(c, item))) {
      const application = textOf(firstChild(port, 'ApplicationName'));
      const entry = out.get(application) ?? { send: [], receive: [] };
      entry[side].push(port.getAttribute('Name') ?? '');
      out.set(application, entry);
    }
  }
  for (const entry of out.values()) {
    entry.send.sort();
    entry.receive.sort();
  }
  return out;
}

export function registerDeploymentContract(test: TestFn, name: string, factory: DeploymentFactory, options: DeploymentContractOptions): void {
  const use = async (body: (h: DeploymentHarness) => Promise<void>): Promise<void> => {
    const harness = await factory();
    try {
      await body(harness);
    } finally {
      await harness.cleanup();
    }
  };

  test.serial(`${name} contract: lists the same applications as the group state`, async (t) => {
    await use(async ({ group, state }) => {
      const apps = await group.listApplications();
      t.deepEqual(apps.map((a) => a.name).sort(), state.applications.map((a) => a.name).sort());
      t.deepEqual(apps.filter((a) => a.isSystem).map((a) => a.name), state.applications.filter((a) => a.isSystem).map((a) => a.name));
    });
  });

  test.serial(`${name} contract: the same resources (type and LUID) per application`, async (t) => {
    await use(async ({ group, state }) => {
      for (const app of state.applications) {
        const listed = await group.listResources(app.name);
        t.deepEqual(withoutGeneratedBinding(app.name, listed), withoutGeneratedBinding(app.name, app.resources), app.name);
        for (const extra of listed.filter((r) => r.type === ResourceType.BizTalkBinding)) t.is(extra.luid, `Application/${app.name}`, app.name);
      }
    });
  });

  test.serial(`${name} contract: the exported MSI reads back with the application's resources and its bindings`, async (t) => {
    await use(async ({ group, state, dir }) => {
      for (const app of state.applications.filter((a) => !a.isSystem && a.resources.length > 0)) {
        const msi = join(dir, `${app.name}.msi`);
        await group.exportApplication(app.name, msi);
        const pkg = readApplicationPackage(new Uint8Array(await readFile(msi)), msi);
        t.is(pkg.summary.title, app.name);
        const expected = [...app.resources, ...(app.bindings === undefined ? [] : [generatedBinding(app.name)])];
        t.deepEqual(pkg.resources.map(key).sort(), expected.map(key).sort(), app.name);
      }
    });
  });

  test.serial(`${name} contract: an export restricted to some resources holds exactly those`, async (t) => {
    await use(async ({ group, state, dir }) => {
      const app = state.applications.find((a) => a.resources.length >= 2 && a.bindings !== undefined);
      if (app === undefined) return t.fail('the sample group needs an application with two resources and bindings');
      const wanted = [app.resources[0]!, generatedBinding(app.name)].map((r) => ({ type: r.type, luid: r.luid }));
      const msi = join(dir, 'restricted.msi');
      await group.exportApplication(app.name, msi, wanted);
      t.deepEqual(readApplicationPackage(new Uint8Array(await readFile(msi)), msi).resources.map(key).sort(), wanted.map(key).sort());
    });
  });

  test.serial(`${name} contract: exported bindings have the same ports, passwords masked`, async (t) => {
    await use(async ({ group, state, dir }) => {
      let ports = 0;
      for (const app of state.applications.filter((a) => a.bindings !== undefined)) {
        const file = join(dir, `${app.name}.BindingInfo.xml`);
        await group.exportBindings(app.name, file);
        const xml = decodeText(new Uint8Array(await readFile(file)));
        const exported = portNames(xml, file);
        ports += exported.send.length + exported.receive.length;
        t.deepEqual(exported, portNames(app.bindings as string, `state bindings of ${app.name}`), app.name);
        t.false(xml.includes(SAMPLE_FTP_PASSWORD), app.name);
        t.false(xml.includes(SAMPLE_SFTP_PASSWORD), app.name);
      }
      t.true(ports > 0, 'the state has ports to compare');
    });
  });

  // The optional group-level binding export: one file whose ports, cut by `<ApplicationName>`, are each application's
  // own ExportBindings ports, passwords masked, BizTalk.System's left out.
  if (options.groupBindings) {
    test.serial(`${name} contract: the group-level bindings hold every application's ports, each naming its application`, async (t) => {
      await use(async ({ group, state, dir }) => {
        if (!hasGroupBindings(group)) return void t.fail(`${name} should offer exportGroupBindings`);
        const file = join(dir, 'Group.BindingInfo.xml');
        await group.exportGroupBindings(file);
        const xml = decodeText(new Uint8Array(await readFile(file)));
        const byApplication = portNamesByApplication(xml, file);
        const withPorts = state.applications.filter((a) => !a.isSystem && a.bindings !== undefined);
        const hasPorts = (xml: string, source: string): boolean => Object.values(portNames(xml, source)).some((names) => names.length > 0);
        t.deepEqual([...byApplication.keys()].sort(), withPorts.filter((a) => hasPorts(a.bindings as string, a.name)).map((a) => a.name).sort());
        for (const app of withPorts) {
          const own = join(dir, `${app.name}.own.BindingInfo.xml`);
          await group.exportBindings(app.name, own);
          t.deepEqual(byApplication.get(app.name) ?? { send: [], receive: [] }, portNames(decodeText(new Uint8Array(await readFile(own))), own), app.name);
        }
        t.false(xml.includes(SAMPLE_FTP_PASSWORD));
        t.false(xml.includes(SAMPLE_SFTP_PASSWORD));
        t.deepEqual(findClearPasswords(xml, file), []);
      });
    });
  } else {
    test.serial(`${name} contract: offers no group-level binding export`, async (t) => {
      await use(async ({ group }) => void t.false(hasGroupBindings(group)));
    });
  }

  // The optional whole-group inventory: one call must tell exactly what ListApps, ListApp and ExportBindings tell, so
  // a back end that offers it and one that does not make the same snapshots (and the same fingerprints).
  if (!options.groupInventory) {
    test.serial(`${name} contract: offers no whole-group inventory (per-application calls only)`, async (t) => {
      await use(async ({ group }) => void t.false(hasGroupInventory(group)));
    });
    return;
  }
  test.serial(`${name} contract: the whole-group inventory agrees with ListApps, ListApp and ExportBindings`, async (t) => {
    await use(async ({ group, state, dir }) => {
      if (!hasGroupInventory(group)) return void t.fail(`${name} should offer readGroupInventory`);
      const pass = await group.readGroupInventory();
      t.deepEqual(
        pass.applications.map((e) => e.info),
        await group.listApplications(),
      );
      t.deepEqual(pass.applications.map((e) => e.info.name).sort(), state.applications.map((a) => a.name).sort());
      for (const entry of pass.applications) {
        if (isInventoryFailure(entry)) return void t.fail(`${entry.info.name}: ${entry.error.code} ${entry.error.message}`);
        t.notDeepEqual(entry.info.references, null, entry.info.name);
        t.deepEqual(entry.resources, await group.listResources(entry.info.name), entry.info.name);
        const file = join(dir, `${entry.info.name}.pass.BindingInfo.xml`);
        await group.exportBindings(entry.info.name, file);
        const exported = normalizeBindings(decodeText(new Uint8Array(await readFile(file))), file);
        const passed = normalizeBindings(entry.bindingsXml, `inventory bindings of ${entry.info.name}`);
        t.is(passed.fingerprint, exported.fingerprint, entry.info.name);
        t.deepEqual(passed.summary, exported.summary, entry.info.name);
        t.false(entry.bindingsXml.includes(SAMPLE_FTP_PASSWORD), entry.info.name);
        t.false(entry.bindingsXml.includes(SAMPLE_SFTP_PASSWORD), entry.info.name);
      }
    });
  });
}

/** A scratch folder for a harness. */
export async function scratchDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
