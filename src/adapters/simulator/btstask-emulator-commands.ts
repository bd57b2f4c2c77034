import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ResourceType } from '../../core/model.js';
import { BtsBackupError } from '../../errors/index.js';
import type { ResourceRef } from '../../ports/biztalk-group.js';
import { readApplicationPackage } from '../../formats/msi/application-package.js';
import { decodeText } from '../../formats/bindings/parse-xml.js';
import { addApplication, importBindingsXml, importPackage, removeApplication } from './simulated-restore.js';
import { buildResourceSpec, readResourceSpec } from '../btstask/resource-spec.js';
import type { ParsedInvocation } from './btstask-grammar.js';
import type { SimulatedGroup } from './simulated-group.js';
import { cultureText, type EmulatorCulture } from './btstask-emulator-culture.js';

/** One line of BTSTask output, in order. `text` lines carry no prefix (listings). */
export interface EmulatorLine {
  kind: 'Information' | 'Warning' | 'Error' | 'text' | 'blank';
  text: string;
}

export class EmulatorLog {
  readonly lines: EmulatorLine[] = [];
  information(text: string): void {
    this.lines.push({ kind: 'Information', text });
  }
  warning(text: string): void {
    this.lines.push({ kind: 'Warning', text });
  }
  error(text: string): void {
    this.lines.push({ kind: 'Error', text });
  }
  text(text: string): void {
    this.lines.push({ kind: 'text', text });
  }
  blank(): void {
    this.lines.push({ kind: 'blank', text: '' });
  }
  count(kind: 'Warning' | 'Error'): number {
    return this.lines.filter((line) => line.kind === kind).length;
  }
}

export interface EmulatorContext {
  group: SimulatedGroup;
  invocation: ParsedInvocation;
  /** The application the command acts on: /ApplicationName, or the DEFAULT application when it was omitted; none for ExportBindings /GroupLevel. */
  application: string | undefined;
  log: EmulatorLog;
  cwd: string;
  /** The language BTSTask prints in (listing labels; the prefixes and summary are formatOutput's). */
  culture: EmulatorCulture;
  /** Writes the group state back (for mutating commands: ImportApp, AddApp, RemoveApp ...). */
  saveState: () => Promise<void>;
}

export interface EmulatorCommand {
  /** Application-scoped commands fall back to the default application when /ApplicationName is omitted. */
  applicationScoped: boolean;
  /**
   * True when this invocation acts on the whole group (ExportBindings /GroupLevel): no application, the default one
   * is not used, and faults are matched as a group-level call.
   */
  groupLevel?(invocation: ParsedInvocation): boolean;
  /** Usage errors the grammar cannot state (parameters that exclude each other): printed as Error: lines, nothing runs. */
  usageErrors?(invocation: ParsedInvocation): string[];
  run(context: EmulatorContext): Promise<void>;
}

/** ExportBindings' scopes: "You can specify only one of these three parameters: GroupLevel, ApplicationName, or AssemblyName." */
const EXPORT_BINDINGS_SCOPES = ['GroupLevel', 'ApplicationName', 'AssemblyName'] as const;

const value = (context: EmulatorContext, name: string): string | undefined => {
  const v = context.invocation.values.get(name);
  return typeof v === 'string' ? v : undefined;
};

const resolvePath = (context: EmulatorContext, file: string): string => path.resolve(context.cwd, file);

/** The resources ListApp /ResourceSpec lists: the application's own, then its generated bindings. */
export function resourceSpecEntries(group: SimulatedGroup, application: string): ResourceRef[] {
  const app = group.application(application);
  const refs: ResourceRef[] = app.resources.map((r) => ({ type: r.type, luid: r.luid }));
  if (app.bindings !== undefined) refs.push({ type: ResourceType.BizTalkBinding, luid: `Application/${app.name}` });
  return refs;
}

/**
 * The emulated commands, by canonical name. Commands the grammar knows but this table lacks answer with an Error:
 * line. Add ImportApp / ImportBindings / AddApp / RemoveApp here (mutate `group.state`, then `saveState()`).
 */
export const emulatorCommands: Record<string, EmulatorCommand> = {
  ListApps: {
    applicationScoped: false,
    async run(context) {
      for (const app of context.group.state.applications) context.log.text(cultureText(context.culture).applicationLine(app.name, app.description));
      context.log.blank();
    },
  },

  ListApp: {
    applicationScoped: true,
    async run(context) {
      const application = context.application as string;
      const app = context.group.application(application);
      const refs = resourceSpecEntries(context.group, app.name);
      context.log.text(`Application "${app.name}" has ${refs.length} resource(s):`);
      for (const ref of refs) context.log.text(`Resource: Type="${ref.type}" Luid="${ref.luid}"`);
      context.log.blank();
      const specFile = value(context, 'ResourceSpec');
      if (specFile !== undefined) {
        const target = resolvePath(context, specFile);
        await fs.writeFile(target, buildResourceSpec(app.name, refs));
        context.log.information(`Resource specification written to "${target}".`);
      }
    },
  },

  ExportApp: {
    applicationScoped: true,
    async run(context) {
      const application = context.group.application(context.application as string).name;
      const packagePath = resolvePath(context, value(context, 'Package') as string);
      let resources: ResourceRef[] | undefined;
      const specFile = value(context, 'ResourceSpec');
      if (specFile !== undefined) {
        const target = resolvePath(context, specFile);
        let bytes: Uint8Array;
        try {
          bytes = await fs.readFile(target);
        } catch (cause) {
          throw new BtsBackupError('E_INVALID_DATA', `Could not read the resource specification file "${target}".`, { target, cause });
        }
        resources = readResourceSpec(bytes, target).resources;
        context.log.information(`Using resource specification "${target}" (${resources.length} resource(s)).`);
      }
      context.log.information(`Exporting application "${application}" to package "${packagePath}"...`);
      const bytes = context.group.buildPackage(application, resources);
      await fs.writeFile(packagePath, bytes);
      if (context.invocation.values.has('GlobalParties')) context.log.warning('Global parties are not emulated: none were exported.');
      context.log.information(`Application "${application}" was exported to "${packagePath}".`);
    },
  },

  ExportBindings: {
    applicationScoped: true,
    groupLevel: (invocation) => invocation.values.has('GroupLevel'),
    usageErrors(invocation) {
      const given = EXPORT_BINDINGS_SCOPES.filter((name) => invocation.values.has(name));
      return given.length > 1 ? [`The parameters ${given.map((name) => `/${name}`).join(' and ')} cannot be used together: specify only one of /GroupLevel, /ApplicationName or /AssemblyName.`] : [];
    },
    async run(context) {
      if (context.invocation.values.has('AssemblyName')) {
        throw new BtsBackupError('E_UNSUPPORTED', 'The emulator exports application and group bindings only (/AssemblyName is not emulated).');
      }
      if (context.invocation.values.has('GroupLevel')) {
        const destination = resolvePath(context, value(context, 'Destination') as string);
        context.log.information(`Exporting the bindings of every application of the group to "${destination}"...`);
        await fs.writeFile(destination, context.group.exportedGroupBindings(), 'utf8');
        if (context.invocation.values.has('GlobalParties')) context.log.warning('Global parties are not emulated: none were exported.');
        context.log.information(`Bindings were exported to "${destination}".`);
        return;
      }
      const application = context.group.application(context.application as string).name;
      const destination = resolvePath(context, value(context, 'Destination') as string);
      context.log.information(`Exporting bindings of application "${application}" to "${destination}"...`);
      await fs.writeFile(destination, context.group.exportedBindings(application), 'utf8');
      context.log.information(`Bindings were exported to "${destination}".`);
    },
  },

  ImportApp: {
    applicationScoped: true,
    async run(context) {
      const application = context.application as string;
      const packagePath = resolvePath(context, value(context, 'Package') as string);
      const bytes = await readInput(packagePath, 'package');
      const environment = value(context, 'Environment');
      const outcome = importPackage(context.group, bytes, path.basename(packagePath), {
        application,
        overwrite: context.invocation.values.has('Overwrite'),
        ...(environment === undefined ? {} : { environment }),
      });
      await context.saveState();
      for (const line of outcome.warnings) context.log.warning(line);
      for (const line of outcome.information) context.log.information(line);
    },
  },

  ImportBindings: {
    applicationScoped: true,
    async run(context) {
      const source = resolvePath(context, value(context, 'Source') as string);
      const xml = decodeText(await readInput(source, 'binding file'));
      const outcome = importBindingsXml(context.group, context.application as string, xml);
      await context.saveState();
      for (const line of outcome.information) context.log.information(line);
    },
  },

  AddApp: {
    applicationScoped: false,
    async run(context) {
      const name = value(context, 'ApplicationName');
      if (name === undefined) throw new BtsBackupError('E_USAGE', 'AddApp needs /ApplicationName.', { details: { exitCode: 1, errors: ['The ApplicationName parameter is required.'] } });
      const outcome = addApplication(context.group, name, value(context, 'Description') ?? '');
      await context.saveState();
      for (const line of outcome.information) context.log.information(line);
    },
  },

  RemoveApp: {
    applicationScoped: true,
    async run(context) {
      const outcome = removeApplication(context.group, context.application as string);
      await context.saveState();
      for (const line of outcome.information) context.log.information(line);
    },
  },

  ListPackage: {
    applicationScoped: false,
    async run(context) {
      const packagePath = resolvePath(context, value(context, 'Package') as string);
      const bytes = new Uint8Array(await fs.readFile(packagePath));
      const refs = readApplicationPackage(bytes, packagePath).resources.map((r) => ({ type: r.type, luid: r.luid }));
      context.log.text(`Package "${packagePath}" contains ${refs.length} resource(s):`);
      for (const ref of refs) context.log.text(`Resource: Type="${ref.type}" Luid="${ref.luid}"`);
      context.log.blank();
    },
  },
};

async function readInput(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (cause) {
    throw new BtsBackupError('E_INVALID_DATA', `Could not read the ${what} "${file}".`, { target: file, cause, details: { exitCode: 1, errors: [`Could not find or read the ${what} "${file}".`] } });
  }
}
