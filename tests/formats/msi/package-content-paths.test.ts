// packageContent compares each file by its path below the resource's folder, not by its last path segment (found by an adversarial review).
import test from 'ava';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { contentDifferences, packageContent } from '../../../src/formats/msi/package-content.js';
import { sampleGroup } from '../../support/export-fixture.js';

const PORTAL = 'Contoso.Portal';

async function webDirectoryContent(files: { name: string; text: string }[]) {
  const group = await sampleGroup((state) => {
    state.applications.find((a) => a.name === PORTAL)!.resources.find((r) => r.type === 'System.BizTalk:WebDirectory')!.files = files;
  });
  return packageContent(readApplicationPackage(group.buildPackage(PORTAL), `${PORTAL}.msi`), `${PORTAL}.msi`);
}

test('two same-named files in different folders of a resource, their contents swapped: a difference', async (t) => {
  const before = await webDirectoryContent([{ name: 'v1\\Web.config', text: '<configuration version="1" />' }, { name: 'v2\\Web.config', text: '<configuration version="2" />' }]);
  const after = await webDirectoryContent([{ name: 'v1\\Web.config', text: '<configuration version="2" />' }, { name: 'v2\\Web.config', text: '<configuration version="1" />' }]);
  t.deepEqual(contentDifferences(before, after), ['WebDirectory http://localhost/ContosoPortalService']);
});

test('a file moved to another folder of its resource: a difference', async (t) => {
  const before = await webDirectoryContent([{ name: 'Service.svc', text: 'svc' }, { name: 'Helpers.dll', text: 'MZ' }]);
  const after = await webDirectoryContent([{ name: 'Service.svc', text: 'svc' }, { name: 'bin\\Helpers.dll', text: 'MZ' }]);
  t.deepEqual(contentDifferences(before, after), ['WebDirectory http://localhost/ContosoPortalService']);
});
