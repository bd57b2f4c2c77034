// Manifests and application entries for core tests: every required field with a plain value, then the test's own.
import { emptyBindingsSummary } from '../../src/core/bindings-summary.js';
import type { Manifest, ManifestApplication } from '../../src/core/manifest.js';

/** Optional fields given as undefined are left out (exactOptionalPropertyTypes: "absent", not "undefined"). */
type Patch<T> = { [K in keyof T]?: T[K] | undefined };

function apply<T extends object>(base: T, patch: Patch<T>): T {
  const entry = base as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete entry[key];
    else entry[key] = value;
  }
  return base;
}

export function manifestApplication(name: string, patch: Patch<ManifestApplication> = {}): ManifestApplication {
  return apply<ManifestApplication>(
    {
      name,
      description: '',
      isDefault: false,
      status: 'Started',
      references: [],
      backupStatus: 'Unchanged',
      exportedIn: '20261129T010000Z-000001',
      fingerprint: 'f'.repeat(64),
      reasons: [],
      resources: [],
      bindingsFingerprint: 'e'.repeat(64),
      bindings: emptyBindingsSummary(),
      packagedAssemblies: [],
      artifacts: [],
    },
    patch,
  );
}

export function manifestOf(applications: ManifestApplication[], patch: Patch<Manifest> = {}): Manifest {
  return apply<Manifest>(
    {
      schemaVersion: 2,
      setId: '20261129T010000Z-000001',
      createdAt: '2026-11-29T01:00:00.000Z',
      createdBy: { user: 'u', host: 'h' },
      tool: { name: 'BizTalkBackup', version: 'test' },
      group: { server: 's', database: 'd', source: 'btstask' },
      parent: null,
      full: false,
      importOrder: applications.map((a) => a.name),
      applications,
      extras: [],
      warnings: [],
      failures: [],
      redactions: [],
    },
    patch,
  );
}
