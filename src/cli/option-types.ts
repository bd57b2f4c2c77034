import { BtsBackupError, hints } from '../errors/index.js';

/** The declared types of a command's options, as yargs' `getOptions()` lists them (kebab-case keys). */
export interface DeclaredOptions {
  string: readonly string[];
  number: readonly string[];
  boolean: readonly string[];
  array: readonly string[];
}

const camel = (key: string): string => key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'number' && !Number.isFinite(value) ? 'a text that is not a number' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/**
 * Checks every option's value against its declared type. yargs coerces what is typed on the command line but takes the
 * values of a `--request` JSON file as they are, and turns a number that is not one into NaN: a wrong type would
 * otherwise reach the command (an object as an application name, "soon" as a timeout). Switches are checked as the request
 * file wrote them (`requested`): yargs has made any text but "true" false. Throws E_USAGE naming the option.
 */
export function checkOptionTypes(args: Readonly<Record<string, unknown>>, declared: DeclaredOptions, requested?: Readonly<Record<string, unknown>>): void {
  const has = (list: readonly string[], key: string): boolean => list.includes(key) || list.includes(kebab(key)) || list.includes(camel(key));
  for (const [key, value] of Object.entries(args)) {
    if (key === '_' || key === '$0' || value === undefined || key.includes('-')) continue;
    const isScalar = (v: unknown, type: 'string' | 'number' | 'boolean'): boolean =>
      type === 'number' ? typeof v === 'number' && Number.isFinite(v) : type === 'boolean' ? typeof v === 'boolean' : typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
    const type = has(declared.number, key) ? 'number' : has(declared.boolean, key) ? 'boolean' : has(declared.string, key) || has(declared.array, key) ? 'string' : undefined;
    if (type === undefined) continue;
    // yargs turns a --request switch written "yes" into false: a "dryRun": "yes" ran for real. Switches are checked as written.
    const written = type === 'boolean' && requested !== undefined ? [key, kebab(key), camel(key)].map((k) => (Object.hasOwn(requested, k) ? requested[k] : undefined)).find((v) => v !== undefined && v !== 'true' && v !== 'false') : undefined;
    const values = written !== undefined ? [written] : has(declared.array, key) && Array.isArray(value) ? value : [value];
    const bad = values.find((v) => !isScalar(v, type));
    if (values.length === 0 || bad === undefined) continue;
    throw new BtsBackupError('E_USAGE', `--${kebab(key)} takes ${type === 'number' ? 'a number' : type === 'boolean' ? 'true or false' : has(declared.array, key) ? 'one or more texts' : 'a text'}, not ${describe(bad)}.`, {
      target: `--${kebab(key)}`,
      hint: hints.usage,
    });
  }
}
