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
  const targetsOf = (node: T): T[] =>
    [...node.references]
      .sort(compareNames)
      .map((ref) => byName.get(ref.toLowerCase()))
      .filter((target): target is T => target !== undefined);
  // Depth-first with an explicit stack: a reference chain thousands of applications long cannot overflow it.
  for (const root of [...nodes].sort((a, b) => compareNames(a.name, b.name))) {
    if (state.get(root.name.toLowerCase()) === 'done') continue;
    state.set(root.name.toLowerCase(), 'visiting');
    const stack: { node: T; targets: T[]; next: number }[] = [{ node: root, targets: targetsOf(root), next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const target = frame.targets[frame.next];
      if (target === undefined) {
        stack.pop();
        state.set(frame.node.name.toLowerCase(), 'done');
        ordered.push(frame.node);
        continue;
      }
      frame.next += 1;
      const key = target.name.toLowerCase();
      const seen = state.get(key);
      if (seen === 'done') continue;
      if (seen === 'visiting') {
        const path = stack.map((f) => f.node.name);
        const cycle = [...path.slice(path.findIndex((p) => p.toLowerCase() === key)), target.name];
        throw new BtsBackupError('E_REFERENCE_CYCLE', `Applications reference each other in a cycle: ${cycle.join(' -> ')}.`, {
          target: target.name,
          hint: 'BizTalk cannot import applications that reference each other; remove one of the references.',
          details: { cycle },
        });
      }
      state.set(key, 'visiting');
      stack.push({ node: target, targets: targetsOf(target), next: 0 });
    }
  }
  return ordered;
}

export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
