// Which applications have their content read again tonight, when the back end lists resources without it (BTSTask).
import test from 'ava';
import { emptyBindingsSummary } from '../../src/core/bindings-summary.js';
import { manifestApplication, manifestOf } from '../support/manifest-fixture.js';
import type { Manifest } from '../../src/core/manifest.js';
import { ResourceType, type ResourceInfo } from '../../src/core/model.js';
import { planBackup } from '../../src/core/plan-backup.js';
import { recheckDue, unseenContent } from '../../src/core/recheck.js';
import { fingerprintApplication } from '../../src/core/app-snapshot.js';

const DAY = 86_400_000;
const names = Array.from({ length: 500 }, (_, i) => `Contoso.App${String(i).padStart(4, '0')}`);

for (const days of [1, 7, 14, 30]) {
  test(`recheckDue: every application is due exactly once in any ${days} consecutive days, spread over the cycle`, (t) => {
    const start = Date.UTC(2026, 10, 30, 1, 30);
    const dueDays = new Map<string, number[]>();
    const perNight: number[] = [];
    for (let d = 0; d < days; d++) {
      const now = new Date(start + d * DAY);
      const due = names.filter((name) => recheckDue(name, now, days));
      perNight.push(due.length);
      for (const name of due) dueDays.set(name, [...(dueDays.get(name) ?? []), d]);
    }
    t.is(dueDays.size, names.length);
    t.true([...dueDays.values()].every((list) => list.length === 1));
    // About 1/days of the group a night (a hash spreads these 500 names within 0.4 to 2 times the mean).
    const mean = names.length / days;
    t.true(perNight.every((n) => n >= mean * 0.4 && n <= mean * 2), perNight.join(','));
  });
}

test('recheckDue: the same all through a UTC day, the name compared case-insensitively; 0 or a fraction never rechecks', (t) => {
  const morning = new Date(Date.UTC(2026, 11, 3, 0, 0, 1));
  const night = new Date(Date.UTC(2026, 11, 3, 23, 59, 59));
  for (const name of names.slice(0, 50)) {
    t.is(recheckDue(name, morning, 7), recheckDue(name, night, 7));
    t.is(recheckDue(name, morning, 7), recheckDue(name.toUpperCase(), morning, 7));
    t.false(recheckDue(name, morning, 0));
    t.false(recheckDue(name, morning, 2.5));
  }
});

const bare = (type: string, luid: string): ResourceInfo => ({ type, luid, properties: {} });

test('unseenContent: resources listed with neither properties nor a hash, the generated bindings left out', (t) => {
  const resources: ResourceInfo[] = [
    bare(ResourceType.File, 'Contoso.config'),
    bare(ResourceType.BizTalkAssembly, 'Contoso, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef'),
    bare(ResourceType.BizTalkBinding, 'Application/Contoso'),
    { type: ResourceType.File, luid: 'hashed.xsd', properties: {}, sha256: 'a'.repeat(64) },
    { type: ResourceType.File, luid: 'described.xsd', properties: { DestinationLocation: '%BTAD_InstallDir%\\described.xsd' } },
  ];
  t.deepEqual(unseenContent(resources).map((r) => r.luid), ['Contoso.config', 'Contoso, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef']);
});

function previousSet(apps: { name: string; resources: ResourceInfo[] }[]): Manifest {
  return manifestOf(
    apps.map((a) =>
      manifestApplication(a.name, {
        backupStatus: 'Exported',
        fingerprint: fingerprintApplication({ references: [], resources: a.resources, bindingsFingerprint: 'b'.repeat(64) }),
        resources: a.resources,
        bindingsFingerprint: 'b'.repeat(64),
        artifacts: [{ kind: 'msi', name: `${a.name}.msi`, sha256: 'c'.repeat(64), size: 1 }],
      }),
    ),
  );
}

test('planBackup: an Unchanged application with unseen content is exported on its recheck night (flagged, with the reason), reused on the others', (t) => {
  const blind = [bare(ResourceType.File, 'Contoso.config'), bare(ResourceType.File, 'Contoso.xsd'), bare(ResourceType.BizTalkAssembly, 'Contoso, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef')];
  const seen = [{ ...bare(ResourceType.File, 'Seen.config'), sha256: 'd'.repeat(64) }];
  const apps = [
    { name: 'Contoso.Blind', resources: blind },
    { name: 'Contoso.Seen', resources: seen },
  ];
  const last = previousSet(apps);
  const snapshots = apps.map((a) => ({ info: { name: a.name, description: '', isSystem: false, isDefault: false, status: 'Started' as const, references: [] }, resources: a.resources, bindingsFingerprint: 'b'.repeat(64), bindings: emptyBindingsSummary() }));
  const dueNight = Array.from({ length: 7 }, (_, d) => new Date(Date.UTC(2026, 11, 1) + d * DAY)).find((now) => recheckDue('Contoso.Blind', now, 7))!;
  const otherNight = new Date(dueNight.getTime() + DAY);
  const plan = (now: Date, full = false) => planBackup(snapshots, last, { full, skipped: [], appliesToAll: true, recheck: { now, days: 7 } });
  const due = plan(dueNight).steps;
  t.deepEqual(due.map((s) => [s.application, s.action, s.change, s.recheck === true]), [
    ['Contoso.Blind', 'Export', 'Unchanged', true],
    ['Contoso.Seen', 'Reuse', 'Unchanged', false],
  ]);
  t.is(due[0]!.reasons.length, 1);
  t.regex(due[0]!.reasons[0]!, /content recheck: 3 resource\(s\) are listed without their content \(2 File, 1 BizTalkAssembly\); read again every 7 days/);
  t.true(plan(otherNight).steps.every((s) => s.action === 'Reuse'));
  // --full exports everything anyway: no recheck flag, the full reason.
  t.true(plan(dueNight, true).steps.every((s) => s.action === 'Export' && s.recheck === undefined && s.reasons[0] === 'full export requested'));
  // Without the option nothing is rechecked.
  t.true(planBackup(snapshots, last, { full: false, skipped: [], appliesToAll: true }).steps.every((s) => s.action === 'Reuse'));
});
