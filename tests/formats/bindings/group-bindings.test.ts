// Cutting `ExportBindings /GroupLevel` into per-application slices: a change shows in the slice of the application
// that owns it (or in the residue, which sends every application back to its own ExportBindings), and nothing else
// moves a slice.
import test from 'ava';
import { buildBindingInfo, type BindingSpec } from '../../../src/adapters/simulator/binding-builder.js';
import { isBtsBackupError } from '../../../src/errors/index.js';
import { sliceGroupBindings, type BindingsOwner } from '../../../src/formats/bindings/group-bindings.js';
import { normalizeBindings } from '../../../src/formats/bindings/normalize-bindings.js';

const TOKEN = '0123456789abcdef';
const assembly = (app: string): string => `${app}.Orchestrations, Version=1.0.0.0, Culture=neutral, PublicKeyToken=${TOKEN}`;

function spec(app: string, options: { address?: string; host?: string; password?: string; sendPortOf?: string | undefined } = {}): BindingSpec {
  return {
    application: app,
    modules: [
      {
        fullName: assembly(app),
        services: [
          { name: `${app}.Process`, host: options.host ?? 'Orchestrations', hostTrusted: false, ports: [{ name: 'Out', sendPort: options.sendPortOf === undefined ? `${app}.Send` : `${options.sendPortOf}.Send` }] },
        ],
      },
    ],
    sendPorts: [
      {
        name: `${app}.Send`,
        transport: { adapter: 'FTP', address: options.address ?? `ftp://files/${app}/`, props: { UserName: 'svc', Password: options.password ?? '******' }, host: 'SendHost', hostTrusted: false },
      },
    ],
    receivePorts: [{ name: `${app}.Receive`, locations: [{ name: `${app}.Receive.File`, enabled: true, transport: { adapter: 'FILE', address: `C:\\in\\${app}\\*.xml`, props: {}, host: 'ReceiveHost', hostTrusted: false } }] }],
  };
}

/**
 * A group-level file as ExportBindings /GroupLevel writes it: one root and one of each collection, holding every
 * application's elements (taken from the application-level files the simulator's builder writes).
 */
function groupFile(specs: readonly BindingSpec[], extra: { timestamp?: string; parties?: string; strayPort?: string; strayModule?: string } = {}): string {
  const files = specs.map((s) => buildBindingInfo(s));
  const section = (name: string): string =>
    files
      .map((xml) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '')
      .join('');
  const endpoints = specs.length * 2;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Assembly="Microsoft.BizTalk.Deployment, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" Version="3.5.1.0" BindingStatus="FullyBound" BoundEndpoints="${endpoints}" TotalEndpoints="${endpoints}">`,
    `<Timestamp>${extra.timestamp ?? '2026-11-30T01:00:00'}</Timestamp>`,
    `<ModuleRefCollection>${section('ModuleRefCollection')}${extra.strayModule ?? ''}</ModuleRefCollection>`,
    `<SendPortCollection>${section('SendPortCollection')}${extra.strayPort ?? ''}</SendPortCollection>`,
    '<DistributionListCollection />',
    `<ReceivePortCollection>${section('ReceivePortCollection')}</ReceivePortCollection>`,
    extra.parties ?? '<PartyCollection xsi:nil="true" />',
    '</BindingInfo>',
  ].join('\r\n');
}

const APPS = ['Contoso.Orders', 'Contoso.Billing', 'Contoso.Shipping'];
const owners = (apps: readonly string[] = APPS): BindingsOwner[] => apps.map((application) => ({ application, assemblies: [assembly(application)] }));
const base = (): BindingSpec[] => APPS.map((app) => spec(app));
const cut = (xml: string, who: BindingsOwner[] = owners()) => sliceGroupBindings(xml, who, 'group-level bindings');

/** Which of residue and slices differ between two cuts. */
function moved(before: ReturnType<typeof cut>, after: ReturnType<typeof cut>): string[] {
  return [...(before.residue === after.residue ? [] : ['(residue)']), ...[...before.slices.keys()].filter((app) => before.slices.get(app) !== after.slices.get(app))];
}

const straySendPort = (applicationName: string): string =>
  `<SendPort Name="Stray.Send" IsStatic="true" IsTwoWay="false" BindingOption="0"><PrimaryTransport><Address>ftp://stray/</Address></PrimaryTransport>${applicationName}</SendPort>`;

const CASES: { title: string; change: (specs: BindingSpec[]) => string; moves: string[]; who?: BindingsOwner[]; from?: (specs: BindingSpec[]) => string }[] = [
  { title: 'nothing changed but the Timestamp', change: (s) => groupFile(s, { timestamp: '2026-12-01T01:00:00' }), moves: [] },
  { title: "a send port's address", change: (s) => groupFile([s[0]!, spec(APPS[1]!, { address: 'ftp://elsewhere/' }), s[2]!]), moves: ['Contoso.Billing'] },
  { title: "an orchestration's host (a module attributed through its assembly)", change: (s) => groupFile([spec(APPS[0]!, { host: 'OtherHost' }), s[1]!, s[2]!]), moves: ['Contoso.Orders'] },
  { title: 'a masked password replaced by another masked value (secrets compare masked, as normalizeBindings does)', change: (s) => groupFile([s[0]!, s[1]!, spec(APPS[2]!, { password: 'n3w-S3cret!' })]), moves: [] },
  { title: 'a party', change: (s) => groupFile(s, { parties: '<PartyCollection><Party Name="Fabrikam" /></PartyCollection>' }), moves: ['(residue)'] },
  { title: 'a port naming no application (nil ApplicationName)', change: (s) => groupFile(s, { strayPort: straySendPort('<ApplicationName xsi:nil="true" />') }), moves: ['(residue)'] },
  { title: 'a port naming an application the group does not list', change: (s) => groupFile(s, { strayPort: straySendPort('<ApplicationName>Contoso.Gone</ApplicationName>') }), moves: ['(residue)'] },
  { title: 'a port naming its application in another case', change: (s) => groupFile(s, { strayPort: straySendPort('<ApplicationName>contoso.billing</ApplicationName>') }), moves: ['Contoso.Billing'] },
  {
    title: 'a port naming a name two applications share but for case',
    who: [...owners(), { application: 'CONTOSO.BILLING', assemblies: [] }],
    change: (s) => groupFile(s, { strayPort: straySendPort('<ApplicationName>Contoso.Billing</ApplicationName>') }),
    moves: ['(residue)'],
  },
  {
    title: 'a module whose assembly no application deploys',
    change: (s) => groupFile(s, { strayModule: `<ModuleRef Name="Stray" Version="1.0.0.0" Culture="" PublicKeyToken="${TOKEN}" FullName="Stray, Version=1.0.0.0, Culture=neutral, PublicKeyToken=${TOKEN}"><Services /></ModuleRef>` }),
    moves: ['(residue)'],
  },
  {
    title: "the send port another application's orchestration is bound to (both slices move)",
    from: (s) => groupFile([spec(APPS[0]!, { sendPortOf: APPS[1] }), s[1]!, s[2]!]),
    change: (s) => groupFile([spec(APPS[0]!, { sendPortOf: APPS[1] }), spec(APPS[1]!, { address: 'ftp://elsewhere/' }), s[2]!]),
    moves: ['Contoso.Orders', 'Contoso.Billing'],
  },
  { title: 'the endpoint counts of the root (derived: each application file counts its own)', change: (s) => groupFile(s).replace('BoundEndpoints="6"', 'BoundEndpoints="5"'), moves: [] },
  { title: "the root's version (a BizTalk update: every application's file changes)", change: (s) => groupFile(s).replace('Version="3.5.1.0"', 'Version="3.6.0.0"'), moves: ['(residue)'] },
];

for (const c of CASES) {
  test(`group-level slices: ${c.title}`, (t) => {
    const who = c.who ?? owners();
    const before = cut((c.from ?? ((s) => groupFile(s)))(base()), who);
    const after = cut(c.change(base()), who);
    t.deepEqual(moved(before, after).sort(), [...c.moves].sort());
  });
}

test('every owner gets a slice, one with nothing in the file too; the [Application:X] pseudo-module counts in X', (t) => {
  const result = cut(groupFile(base()), [...owners(), { application: 'Contoso.Empty', assemblies: [] }]);
  t.deepEqual([...result.slices.keys()], [...APPS, 'Contoso.Empty']);
  const withoutPseudo = groupFile(base()).replace(/<ModuleRef Name="\[Application:Contoso\.Shipping\]"[\s\S]*?<\/ModuleRef>/, '');
  t.deepEqual(moved(result, cut(withoutPseudo, [...owners(), { application: 'Contoso.Empty', assemblies: [] }])), ['Contoso.Shipping']);
});

test('a slice is order-independent: the same elements in another order cut the same', (t) => {
  const forward = cut(groupFile(base()));
  const backward = cut(groupFile([...base()].reverse()));
  t.deepEqual(moved(forward, backward), []);
});

test('the safety property: whenever an application slice and the residue are unchanged, its own bindings fingerprint is too', (t) => {
  // Random single changes to one application's spec; per change, every application whose slice stayed must have the
  // same application-level fingerprint (what a skipped ExportBindings would have found).
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const variants: ((app: string) => BindingSpec)[] = [
    (app) => spec(app, { address: `ftp://moved/${random(1000)}/` }),
    (app) => spec(app, { host: `Host${random(5)}` }),
    (app) => spec(app, { sendPortOf: APPS[random(APPS.length)] }),
    (app) => ({ ...spec(app), receivePorts: [] }),
    (app) => ({ ...spec(app), modules: [] }),
  ];
  let checked = 0;
  for (let round = 0; round < 60; round++) {
    const before = base();
    if (round % 3 === 0) {
      const bound = random(APPS.length);
      before[bound] = spec(APPS[bound]!, { sendPortOf: APPS[random(APPS.length)] });
    }
    const after = [...before];
    const target = random(APPS.length);
    after[target] = variants[random(variants.length)]!(APPS[target]!);
    const a = cut(groupFile(before));
    const b = cut(groupFile(after));
    for (const [index, app] of APPS.entries()) {
      if (a.residue !== b.residue || a.slices.get(app) !== b.slices.get(app)) continue;
      checked += 1;
      t.is(normalizeBindings(buildBindingInfo(before[index]!), app).fingerprint, normalizeBindings(buildBindingInfo(after[index]!), app).fingerprint, `round ${round}: ${app}`);
    }
  }
  t.true(checked > 60);
});

const REFUSED: { title: string; xml: string }[] = [
  { title: 'malformed XML', xml: '<BindingInfo><SendPortCollection></BindingInfo>' },
  { title: 'a root that is not BindingInfo', xml: '<ApplicationDefinition />' },
  { title: 'a DTD', xml: '<!DOCTYPE BindingInfo [<!ENTITY x "y">]><BindingInfo>&x;</BindingInfo>' },
  { title: 'nesting deeper than any binding file', xml: `<BindingInfo>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</BindingInfo>` },
];

for (const c of REFUSED) {
  test(`group-level bindings refused: ${c.title} (E_INVALID_DATA naming the source)`, (t) => {
    const error = t.throws(() => cut(c.xml));
    t.true(isBtsBackupError(error));
    t.is((error as { code?: string }).code, 'E_INVALID_DATA');
    t.is((error as { target?: string }).target, 'group-level bindings');
  });
}
