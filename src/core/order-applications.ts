import { BtsBackupError } from '../errors/index.js';

export interface ReferencingNode {
  name: string;
  references: readonly string[];
}

/**
 * Orders applications so that every application comes after those it references (the import order).
 * Ties are broken by name so the order is stable. References to applications outside `nodes` are ignored here
 * (the restore preflight reports them); a cycle is an error naming its members.
 */
export function orderByReferences<T extends ReferencingNode>(nodes: readonly T[]): T[] {
  const byName = new Map(nodes.map((node) => [node.name.toLowerCase(), node] as const));
  const state = new Map<string, 'visiting' | 'done'>();
  const ordered: T[] = [];
  const visit = (node: T, path: string[]): void => {
    const key = node.name.toLowerCase();
    const seen = state.get(key);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.findIndex((p) => p.toLowerCase() === key)), node.name];
      throw new BtsBackupError('E_REFERENCE_CYCLE', `Applications reference each other in a cycle: ${cycle.join(' -> ')}.`, {
        target: node.name,
        hint: 'BizTalk cannot import applications that reference each other; remove one of the references.',
        details: { cycle },
      });
    }
    state.set(key, 'visiting');
    for (const ref of [...node.references].sort(compareNames)) {
      const target = byName.get(ref.toLowerCase());
      if (target !== undefined) visit(target, [...path, node.name]);
    }
    state.set(key, 'done');
    ordered.push(node);
  };
  for (const node of [...nodes].sort((a, b) => compareNames(a.name, b.name))) visit(node, []);
  return ordered;
}

export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
