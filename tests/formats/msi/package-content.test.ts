// What a content recheck compares: two exports of the same application are the same content whatever each export
// renews; a changed, added or removed resource, or a reference, is named.
import test from 'ava';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { contentDifferences, packageContent } from '../../../src/formats/msi/package-content.js';
import { sampleGroup } from '../../support/export-fixture.js';

async function content(mutate?: Parameters<typeof sampleGroup>[0], clockOffsetMs = 0) {
  const group = await sampleGroup(mutate);
  // Another export: new ProductCode, PackageCode, file keys and a later Timestamp in the generated bindings.
  if (clockOffsetMs > 0) {
    const bindings = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
    bindings.bindings = bindings.bindings!.replace(/<Timestamp>[^<]*<\/Timestamp>/, '<Timestamp>2030-01-01T00:00:00</Timestamp>');
  }
  return packageContent(readApplicationPackage(group.buildPackage('Contoso.Billing'), 'Contoso.Billing.msi'), 'Contoso.Billing.msi');
}

test('two exports of the same application: the same content', async (t) => {
  const first = await content();
  const second = await content(undefined, 1);
  t.deepEqual(contentDifferences(first, second), []);
  t.true(first.size > 3);
});

const CHANGES: { title: string; mutate: Parameters<typeof sampleGroup>[0]; named: string[] }[] = [
  {
    title: 'a file replaced under the same name',
    mutate: (state) => {
      const file = state.applications.find((a) => a.name === 'Contoso.Billing')!.resources.find((r) => r.luid === 'Contoso.Billing.config')!.files[0]!;
      file.text = `${file.text!}<!-- hot fix -->`;
    },
    named: ['File Contoso.Billing.config'],
  },
  {
    title: 'a resource removed',
    mutate: (state) => {
      const app = state.applications.find((a) => a.name === 'Contoso.Billing')!;
      app.resources = app.resources.filter((r) => r.luid !== 'Contoso.Billing.config');
    },
    named: ['File Contoso.Billing.config'],
  },
  {
    title: "a resource's install option",
    mutate: (state) => {
      const resource = state.applications.find((a) => a.name === 'Contoso.Billing')!.resources.find((r) => r.luid === 'Contoso.Billing.config')!;
      resource.properties = { ...resource.properties, DestinationLocation: 'C:\\Elsewhere\\Contoso.Billing.config' };
    },
    named: ['File Contoso.Billing.config'],
  },
  {
    title: 'a send port in the generated bindings',
    mutate: (state) => {
      const app = state.applications.find((a) => a.name === 'Contoso.Billing')!;
      app.bindings = app.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
    },
    named: ['BizTalkBinding Application/Contoso.Billing'],
  },
  {
    title: 'a reference to another application',
    mutate: (state) => {
      state.applications.find((a) => a.name === 'Contoso.Billing')!.references.push('Contoso.Portal');
    },
    named: ['application references'],
  },
];

for (const c of CHANGES) {
  test(`content differences: ${c.title}`, async (t) => {
    t.deepEqual(contentDifferences(await content(), await content(c.mutate)), c.named);
  });
}
