/**
 * BTSTask's command-line grammar, as Microsoft documents it (biztalk/core/*-command pages):
 * `BTSTask Command /Name:value` or `-Name:value`; command and parameter names are case-insensitive and may be
 * shortened to any prefix that names exactly one of them; values with spaces are quoted.
 * Pure: no process, no fs. Used by the emulator to read its argv and by tests to check the adapter's argv.
 */

export interface ParameterSpec {
  name: string;
  /** `value` parameters are written `/Name:value`; `flag` parameters are written `/Name` alone. */
  kind: 'value' | 'flag';
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  parameters: ParameterSpec[];
}

const server: ParameterSpec = { name: 'Server', kind: 'value' };
const database: ParameterSpec = { name: 'Database', kind: 'value' };
const application: ParameterSpec = { name: 'ApplicationName', kind: 'value' };

/** Every documented BTSTask command, so prefixes are ambiguous exactly where BTSTask's are. */
export const BTSTASK_COMMANDS: readonly CommandSpec[] = [
  { name: 'AddApp', parameters: [application, { name: 'Description', kind: 'value' }, server, database] },
  { name: 'AddResource', parameters: [application, { name: 'Type', kind: 'value', required: true }, { name: 'Overwrite', kind: 'flag' }, { name: 'Source', kind: 'value', required: true }, { name: 'Destination', kind: 'value' }, { name: 'Options', kind: 'value' }, { name: 'Property', kind: 'value' }, server, database] },
  { name: 'ExportApp', parameters: [application, { name: 'Package', kind: 'value', required: true }, { name: 'ResourceSpec', kind: 'value' }, { name: 'GlobalParties', kind: 'flag' }, server, database] },
  {
    name: 'ExportBindings',
    parameters: [{ name: 'Destination', kind: 'value', required: true }, { name: 'GroupLevel', kind: 'flag' }, application, { name: 'AssemblyName', kind: 'value' }, { name: 'GlobalParties', kind: 'flag' }, server, database],
  },
  { name: 'ExportParties', parameters: [{ name: 'Destination', kind: 'value', required: true }, server, database] },
  { name: 'ExportSettings', parameters: [{ name: 'Destination', kind: 'value', required: true }, server, database] },
  { name: 'ImportApp', parameters: [{ name: 'Package', kind: 'value', required: true }, { name: 'Environment', kind: 'value' }, application, { name: 'Overwrite', kind: 'flag' }, server, database] },
  { name: 'ImportBindings', parameters: [{ name: 'Source', kind: 'value', required: true }, application, server, database] },
  { name: 'ImportSettings', parameters: [{ name: 'Source', kind: 'value', required: true }, server, database] },
  { name: 'ListApp', parameters: [application, { name: 'ResourceSpec', kind: 'value' }, server, database] },
  { name: 'ListApps', parameters: [server, database] },
  { name: 'ListPackage', parameters: [{ name: 'Package', kind: 'value', required: true }, server, database] },
  { name: 'ListTypes', parameters: [server, database] },
  { name: 'RemoveApp', parameters: [application, server, database] },
  { name: 'RemoveResource', parameters: [application, { name: 'Luid', kind: 'value', required: true }, server, database] },
  { name: 'UninstallApp', parameters: [{ name: 'Package', kind: 'value' }, { name: 'ApplicationName', kind: 'value' }] },
];

export type NameResolution = { kind: 'match'; name: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'unknown' };

/** Case-insensitive: an exact name wins (ListApp vs ListApps), else the one name the input is a prefix of. */
export function resolveName(input: string, names: readonly string[]): NameResolution {
  const wanted = input.toLowerCase();
  if (wanted === '') return { kind: 'unknown' };
  const exact = names.find((name) => name.toLowerCase() === wanted);
  if (exact !== undefined) return { kind: 'match', name: exact };
  const candidates = names.filter((name) => name.toLowerCase().startsWith(wanted));
  if (candidates.length === 1 && candidates[0] !== undefined) return { kind: 'match', name: candidates[0] };
  if (candidates.length > 1) return { kind: 'ambiguous', candidates };
  return { kind: 'unknown' };
}

export interface ParsedInvocation {
  command: CommandSpec;
  /** Canonical parameter name -> value (`true` for flags). */
  values: Map<string, string | true>;
}

export interface UsageProblem {
  /** One line each, printed as `Error:` lines. */
  errors: string[];
  /** The usage line of the command when it is known. */
  usage?: string;
}

export type ParseOutcome = { ok: true; invocation: ParsedInvocation } | { ok: false; problem: UsageProblem };

/** Parses BTSTask's argv (after the executable name): the command, then `/Name:value`, `-Name:value` or `/Flag`. */
export function parseBtsTaskArguments(argv: readonly string[], commands: readonly CommandSpec[] = BTSTASK_COMMANDS): ParseOutcome {
  const [first, ...rest] = argv;
  if (first === undefined || first === '' || first === '/?' || first === '-?') {
    return { ok: false, problem: { errors: ['No command was specified.'], usage: generalUsage(commands) } };
  }
  const commandName = resolveName(first, commands.map((c) => c.name));
  if (commandName.kind !== 'match') {
    const errors =
      commandName.kind === 'ambiguous'
        ? [`The command "${first}" is ambiguous: it could be ${commandName.candidates.join(', ')}.`]
        : [`The command "${first}" is not a valid BTSTask command.`];
    return { ok: false, problem: { errors, usage: generalUsage(commands) } };
  }
  const command = commands.find((c) => c.name === commandName.name) as CommandSpec;
  const values = new Map<string, string | true>();
  const errors: string[] = [];
  for (const token of rest) {
    const parsed = splitParameterToken(token);
    if (parsed === undefined) {
      errors.push(`Unexpected argument "${token}": parameters are written /Name:value or -Name:value.`);
      continue;
    }
    const resolution = resolveName(parsed.name, command.parameters.map((p) => p.name));
    if (resolution.kind === 'ambiguous') {
      errors.push(`The parameter "${parsed.prefix}${parsed.name}" is ambiguous: it could be ${resolution.candidates.map((c) => `/${c}`).join(', ')}.`);
      continue;
    }
    if (resolution.kind === 'unknown') {
      errors.push(`The parameter "${parsed.prefix}${parsed.name}" is not valid for the ${command.name} command.`);
      continue;
    }
    const spec = command.parameters.find((p) => p.name === resolution.name) as ParameterSpec;
    if (values.has(spec.name)) {
      errors.push(`The parameter "/${spec.name}" was specified more than once.`);
      continue;
    }
    if (spec.kind === 'flag') {
      if (parsed.value !== undefined) errors.push(`The parameter "/${spec.name}" does not take a value.`);
      else values.set(spec.name, true);
    } else if (parsed.value === undefined || parsed.value === '') {
      errors.push(`The parameter "/${spec.name}" requires a value: /${spec.name}:value.`);
    } else {
      values.set(spec.name, parsed.value);
    }
  }
  for (const spec of command.parameters) {
    if (spec.required === true && !values.has(spec.name)) errors.push(`The required parameter "/${spec.name}" is missing.`);
  }
  if (errors.length > 0) return { ok: false, problem: { errors, usage: commandUsage(command) } };
  return { ok: true, invocation: { command, values } };
}

/**
 * `/Name:value`, `-Name:value`, `/Flag`. The value is taken as it is: BTSTask is a .NET program whose argument
 * splitter (CommandLineToArgvW rules, `splitWindowsCommandLine`) has already removed the quotes a user typed, so a
 * quote still in an argv element is part of the value (`/ApplicationName:"X"` names an application called `"X"`).
 */
function splitParameterToken(token: string): { prefix: string; name: string; value: string | undefined } | undefined {
  const prefix = token[0];
  if (prefix !== '/' && prefix !== '-') return undefined;
  const body = token.slice(1);
  const colon = body.indexOf(':');
  if (colon < 0) return body === '' ? undefined : { prefix, name: body, value: undefined };
  const name = body.slice(0, colon);
  if (name === '') return undefined;
  return { prefix, name, value: body.slice(colon + 1) };
}

export function commandUsage(command: CommandSpec): string {
  const parts = command.parameters.map((p) => {
    const text = p.kind === 'flag' ? `/${p.name}` : `/${p.name}:value`;
    return p.required === true ? text : `[${text}]`;
  });
  return `BTSTask ${command.name} ${parts.join(' ')}`.trimEnd();
}

function generalUsage(commands: readonly CommandSpec[]): string {
  return `BTSTask Command [/Parameter:value ...] where Command is one of: ${commands.map((c) => c.name).join(', ')}`;
}

/**
 * Splits a Windows command line the way .NET's argv (CommandLineToArgvW rules) does: whitespace separates,
 * double quotes group and are removed, `\"` is a literal quote, backslashes are literal unless they precede a quote.
 * Lets tests state BTSTask invocations as users type them (`/A:"My App"`).
 */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\') {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) current += '"';
        else quoted = !quoted;
      } else {
        current += '\\'.repeat(slashes);
        i--;
      }
      inToken = true;
    } else if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
      }
      inToken = true;
    } else if ((ch === ' ' || ch === '\t') && !quoted) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) args.push(current);
  return args;
}

/** The argv element for a parameter, always the full documented name: `/ApplicationName:Zahlungsverkehr Süd`. */
export function formatParameter(name: string, value?: string): string {
  return value === undefined ? `/${name}` : `/${name}:${value}`;
}
