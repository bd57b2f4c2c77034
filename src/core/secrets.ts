/**
 * The secrets model: where a password belongs in a binding file, and a value for it. Values live only in memory and
 * in the encrypted secrets file; everything else (plans, results, logs, manifests) carries locations only.
 */
export interface SecretLocationRef {
  /** Send port name, or receive port name for a receive location. */
  port: string;
  /** Receive location name, for receive locations. */
  location?: string;
  /** The adapter property: `password`, `AdapterConfig/password` ... */
  field: string;
}

export interface SecretEntry extends SecretLocationRef {
  /** The application whose bindings hold the field; entries without one apply to any application (port names are unique in a group). */
  application?: string;
  value: string;
}

/** The same key as binding-secrets' secretKey: `port|location|field`. */
export function secretLocationKey(location: SecretLocationRef): string {
  return `${location.port}|${location.location ?? ''}|${location.field}`;
}

/** Values by location key for one application: its own entries win over application-less ones. */
export function secretsForApplication(entries: readonly SecretEntry[], application: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries) if (entry.application === undefined) out.set(secretLocationKey(entry), entry.value);
  for (const entry of entries) if (entry.application !== undefined && entry.application.toLowerCase() === application.toLowerCase()) out.set(secretLocationKey(entry), entry.value);
  return out;
}

/** Adds or replaces the entry for the same application and location. Returns a new list. */
export function upsertSecret(entries: readonly SecretEntry[], entry: SecretEntry): SecretEntry[] {
  const key = (e: SecretEntry): string => `${(e.application ?? '').toLowerCase()}|${secretLocationKey(e)}`;
  return [...entries.filter((e) => key(e) !== key(entry)), entry];
}

/** A description of a location for people: never a value. */
export function describeSecretLocation(location: SecretLocationRef): string {
  if (location.port.startsWith('file:')) return `file "${location.port.slice(5)}" (${location.field})`;
  return location.location === undefined ? `send port "${location.port}" (${location.field})` : `receive location "${location.location}" of "${location.port}" (${location.field})`;
}
