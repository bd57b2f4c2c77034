import type { TestFn } from 'ava';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationInfo, type HostInfo } from '../../src/core/model.js';
import type { BizTalkCatalog } from '../../src/ports/biztalk-group.js';

/**
 * The contract every BizTalkCatalog adapter passes. The reference is the simulator's direct adapter (SimulatedGroup)
 * over the same group state: an adapter passes when it tells the same inventory (applications with status and
 * references, hosts with trust, adapter handlers) for the sample group and for variations of it.
 * `registerCatalogContract(test, 'explorerom', factory)`; the factory gets the state and returns the adapter under test.
 */
export interface CatalogSubject {
  catalog: BizTalkCatalog;
  cleanup?: () => Promise<void>;
}

export type CatalogFactory = (state: GroupState) => Promise<CatalogSubject>;

/** Variations of the sample group: each must be seen the same way through every adapter. */
const VARIATIONS: { title: string; change: (state: GroupState) => void }[] = [
  { title: 'the sample group', change: () => undefined },
  {
    title: 'a stopped application, a trusted host and a new handler',
    change: (state) => {
      const billing = state.applications.find((a) => a.name === 'Contoso.Billing');
      if (billing === undefined) throw new Error('sample group changed: no Contoso.Billing');
      billing.status = 'Stopped';
      state.hosts.push({ name: 'TrustedSendHost', trusted: true, type: 'InProcess' });
      state.handlers.push({ adapter: 'HTTP', host: 'TrustedSendHost', direction: 'Send' });
    },
  },
  {
    title: 'an application that references two others and one nobody references',
    change: (state) => {
      state.applications.push({
        name: 'Contoso.Reporting Ö',
        description: 'Reports; "quoted" & <angled>',
        isSystem: false,
        isDefault: false,
        status: 'PartiallyStarted',
        references: ['Contoso.Portal', 'Zahlungsverkehr Süd', SYSTEM_APPLICATION],
        resources: [],
      });
    },
  },
];

const byName = <T extends { name: string }>(items: T[]): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));
const handlerKey = (h: AdapterHandlerInfo): string => `${h.direction}|${h.adapter}|${h.host}`;
const normalizeApps = (apps: ApplicationInfo[]): ApplicationInfo[] =>
  byName(apps).map((app) => ({ ...app, references: app.references === null ? null : [...app.references].sort() }));
const normalizeHosts = (hosts: HostInfo[]): HostInfo[] => byName(hosts).map((h) => ({ name: h.name, trusted: h.trusted, type: h.type }));
const normalizeHandlers = (handlers: AdapterHandlerInfo[]): string[] => handlers.map(handlerKey).sort();

export function registerCatalogContract(test: TestFn, adapter: string, factory: CatalogFactory): void {
  for (const variation of VARIATIONS) {
    test(`${adapter} catalog contract: same inventory as the simulator for ${variation.title}`, async (t) => {
      const state = createSampleGroupState();
      variation.change(state);
      const reference = new SimulatedGroup(structuredClone(state), { gacRoot: '/nonexistent-gac' });
      const subject = await factory(structuredClone(state));
      try {
        const group = await subject.catalog.describeGroup();
        const expectedGroup = await reference.describeGroup();
        t.is(group.server, expectedGroup.server);
        t.is(group.database, expectedGroup.database);
        t.is(group.source, subject.catalog.source, 'describeGroup names the source that answered');

        const apps = await subject.catalog.listApplications();
        t.deepEqual(normalizeApps(apps), normalizeApps(await reference.listApplications()));
        t.deepEqual(normalizeHosts(await subject.catalog.listHosts()), normalizeHosts(await reference.listHosts()));
        t.deepEqual(normalizeHandlers(await subject.catalog.listAdapterHandlers()), normalizeHandlers(await reference.listAdapterHandlers()));

        // Invariants every adapter keeps, whatever the group.
        t.is(apps.filter((a) => a.isSystem).length, 1, 'exactly one system application');
        t.is(apps.find((a) => a.isSystem)?.name, SYSTEM_APPLICATION);
        t.true(apps.filter((a) => a.isDefault).length <= 1, 'at most one default application');
        const names = new Set(apps.map((a) => a.name.toLowerCase()));
        for (const app of apps) {
          for (const ref of app.references ?? []) {
            t.not(ref.toLowerCase(), SYSTEM_APPLICATION.toLowerCase(), `${app.name} lists BizTalk.System, which is implied`);
            t.true(names.has(ref.toLowerCase()), `${app.name} references ${ref}, which the catalog does not list`);
          }
        }
      } finally {
        await subject.cleanup?.();
      }
    });
  }
}
