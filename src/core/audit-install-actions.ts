// Microsoft's backup guidance: each MSI must hold every resource it needs AND the actions to perform when the MSI is
// installed. A resource exported without them comes back on a rebuilt server without its GAC entry or its file.
import { ResourceType } from './model.js';

/** One install-time action that matters for a resource type: the ADF property that records it and how to set it. */
export interface InstallActionRule {
  type: string;
  /** The ADF property (ApplicationDefinition.adf, Resource/Properties/Property@Name). */
  property: string;
  /** How the property is judged present: "True" (case-insensitive) or any non-blank value. */
  present: 'true' | 'non-empty';
  /** The BTSTask AddResource option (/Options:<name>) or parameter (/Destination) that sets it. */
  option: string;
  /** The Admin Console's name for it (the resource's Properties, Options or Destination). */
  console: string;
  /** What goes wrong on a rebuilt server without it. */
  consequence: string;
}

/**
 * The table (documented in the README, kept in step by a test). Only what the ADF really records is checked: whether a
 * .NET assembly is a COM or COM+ component (Regasm/Regsvcs) cannot be told from the ADF, and a BRE policy has no
 * install-time property there, so neither is judged.
 */
export const INSTALL_ACTION_RULES: readonly InstallActionRule[] = [
  {
    type: ResourceType.BizTalkAssembly,
    property: 'Gacutil',
    present: 'true',
    option: 'GacOnInstall',
    console: 'Add to the global assembly cache on MSI file install (gacutil)',
    consequence: 'installing the MSI does not put the assembly in the GAC, so host instances on the rebuilt server cannot load it',
  },
  {
    type: ResourceType.Assembly,
    property: 'Gacutil',
    present: 'true',
    option: 'GacOnInstall',
    console: 'Add to the global assembly cache on MSI file install (gacutil)',
    consequence: 'installing the MSI does not put the assembly in the GAC, so the maps, pipelines or orchestrations that use it fail',
  },
  {
    type: ResourceType.File,
    property: 'DestinationLocation',
    present: 'non-empty',
    option: 'Destination',
    console: 'Destination location',
    consequence: 'installing the MSI does not copy the file anywhere',
  },
];

/** Assembly ADF properties and the AddResource option each one corresponds to (kept when the fix overwrites). */
const ASSEMBLY_OPTIONS: readonly [property: string, option: string, types: readonly string[]][] = [
  ['UpdateGac', 'GacOnAdd', [ResourceType.BizTalkAssembly, ResourceType.Assembly]],
  ['UpdateGacOnImport', 'GacOnImport', [ResourceType.BizTalkAssembly, ResourceType.Assembly]],
  ['Gacutil', 'GacOnInstall', [ResourceType.BizTalkAssembly, ResourceType.Assembly]],
  ['Regasm', 'RegasmOnInstall', [ResourceType.Assembly]],
  ['Regsvcs', 'RegsvcsOnInstall', [ResourceType.Assembly]],
];

export interface AuditedResource {
  type: string;
  luid: string;
  properties: Readonly<Record<string, string>>;
}

export interface MissingInstallAction {
  type: string;
  luid: string;
  /** The AddResource option (or /Destination) that is missing. */
  option: string;
  property: string;
  /** The exact BTSTask command that re-adds the resource with the action, keeping the actions it already has. */
  fix: string;
  /** The same fix in the BizTalk Administration console. */
  consoleFix: string;
  consequence: string;
}

const hasOwn = (properties: Readonly<Record<string, string>>, name: string): string | undefined =>
  Object.hasOwn(properties, name) ? properties[name] : undefined;

function isPresent(rule: InstallActionRule, value: string | undefined): boolean {
  if (value === undefined) return false;
  return rule.present === 'true' ? value.trim().toLowerCase() === 'true' : value.trim() !== '';
}

/** A value in BTSTask's /Name:value grammar: quoted, with any embedded quote dropped (Windows paths and names have none). */
const quoted = (value: string): string => `"${value.replace(/"/g, '')}"`;

/** The resource's file leaf name from its source location or LUID (files: the LUID is the file name). */
function leafOf(resource: AuditedResource): string {
  const source = hasOwn(resource.properties, 'SourceLocation') ?? '';
  const from = source.trim() !== '' ? source : resource.luid.split(',')[0]!.trim();
  return from.slice(Math.max(from.lastIndexOf('\\'), from.lastIndexOf('/')) + 1);
}

function fixCommand(application: string, resource: AuditedResource, rule: InstallActionRule): string {
  const source = (hasOwn(resource.properties, 'SourceLocation') ?? '').trim();
  const parts = [
    'BTSTask AddResource',
    `/ApplicationName:${quoted(application)}`,
    `/Type:${resource.type}`,
    '/Overwrite',
    `/Source:${quoted(source !== '' ? source : `<path to ${leafOf(resource)}>`)}`,
  ];
  const destination = (hasOwn(resource.properties, 'DestinationLocation') ?? '').trim();
  if (rule.option === 'Destination') parts.push(`/Destination:${quoted(`%BTAD_InstallDir%\\${leafOf(resource)}`)}`);
  else if (destination !== '') parts.push(`/Destination:${quoted(destination)}`);
  const options = ASSEMBLY_OPTIONS.filter(([property, option, types]) => types.includes(resource.type) && (option === rule.option || (hasOwn(resource.properties, property) ?? '').trim().toLowerCase() === 'true')).map(([, option]) => option);
  if (options.length > 0) parts.push(`/Options:${options.join(',')}`);
  return parts.join(' ');
}

/**
 * Per resource of an application's ADF, every install-time action its type needs and it lacks, with the fix.
 * Resource types are compared case-insensitively (BTSTask accepts any case).
 */
export function auditInstallActions(application: string, resources: readonly AuditedResource[]): MissingInstallAction[] {
  const findings: MissingInstallAction[] = [];
  for (const resource of resources) {
    for (const rule of INSTALL_ACTION_RULES) {
      if (rule.type.toLowerCase() !== resource.type.toLowerCase()) continue;
      const typed = { ...resource, type: rule.type };
      if (isPresent(rule, hasOwn(resource.properties, rule.property))) continue;
      findings.push({
        type: rule.type,
        luid: resource.luid,
        option: rule.option,
        property: rule.property,
        fix: fixCommand(application, typed, rule),
        consoleFix: `BizTalk Administration console: ${application} > Resources > ${resource.luid} > Properties: ${rule.console}`,
        consequence: rule.consequence,
      });
    }
  }
  return findings;
}
