import type { Manifest, ManifestApplication } from './manifest.js';

/**
 * The previous set's record of `application` when its bindings can stand for tonight's without an ExportBindings of
 * its own: the previous run cut the group-level bindings too, its residue is tonight's, the application's slice is
 * tonight's, and the application was not Failed there (a Failed entry keeps an older record, cut against another
 * residue). Anything else, including no previous set or a previous set read through another back end: undefined.
 */
export function reusableBindings(previous: Manifest | null, residue: string, application: string, slice: string | undefined): ManifestApplication | undefined {
  if (previous === null || slice === undefined || previous.groupBindingsResidue !== residue) return undefined;
  const key = application.toLowerCase();
  const matches = previous.applications.filter((app) => app.name.toLowerCase() === key);
  const [record] = matches;
  if (matches.length !== 1 || record === undefined || record.backupStatus === 'Failed' || record.bindingsSlice !== slice) return undefined;
  return record;
}
