// Staging names from two index spaces must not collide: an application's own bindings are `<index>-<app>.bindings.xml`,
// an environment binding file `<index>.env-<n>.bindings.xml`, so an application named `env-0` keeps its own (found by an adversarial review).
import test from 'ava';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup, withoutGroupInventory } from '../support/export-fixture.js';

test('an application named env-0 keeps its own bindings when an application exported before it stores an environment binding file', async (t) => {
  const group = await sampleGroup((s) => {
    const shared = s.applications.find((a) => a.name === 'Contoso.Shared')!;
    shared.resources.push({
      type: 'System.BizTalk:BizTalkBinding',
      luid: 'PROD/Contoso.Shared.BindingInfo.xml',
      properties: { TargetEnvironment: 'PROD' },
      files: [{ name: 'Contoso.Shared.PROD.BindingInfo.xml', text: '<?xml version="1.0" encoding="utf-8"?><BindingInfo><!--adv14b Contoso.Shared PROD--></BindingInfo>' }],
    });
    // Listed first (inventory index 0), imported after Contoso.Shared: Contoso.Shared is step 0.
    const at = s.applications.findIndex((a) => a.name === 'Contoso.Shared');
    s.applications.splice(at, 0, {
      name: 'env-0',
      description: '',
      isSystem: false,
      isDefault: false,
      status: 'Stopped',
      references: ['Contoso.Shared'],
      resources: [{ type: 'System.BizTalk:File', luid: 'env-0.config', properties: {}, files: [{ name: 'env-0.config', text: '<configuration />' }] }],
    });
  });
  const store = createMemoryStore();
  const manifest = (await exportBackup(withoutGroupInventory(group), store, exportOptions(), recordingReporter())).manifest!;
  t.is(manifest.importOrder[0], 'Contoso.Shared');
  t.true(manifest.importOrder.indexOf('env-0') > 0);
  const env0 = manifest.applications.find((a) => a.name === 'env-0')!;
  const stored = Buffer.from(await store.readObject(env0.artifacts.find((a) => a.kind === 'bindings')!.sha256)).toString('utf8');
  t.false(stored.includes('adv14b Contoso.Shared PROD'), 'env-0 was stored with Contoso.Shared\'s PROD binding file as its bindings');
});
