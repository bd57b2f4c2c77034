import type { ReportAppState, ReportModel } from '../../core/report-model.js';

/** Fill colour of an application node by state (the HTML legend uses the same). */
export const STATE_COLOURS: Record<ReportAppState, { fill: string; stroke: string; label: string }> = {
  exported: { fill: '#d1ecd5', stroke: '#2e7d32', label: 'exported in this set' },
  unchanged: { fill: '#e3e8f0', stroke: '#51607a', label: 'unchanged (older set)' },
  warnings: { fill: '#fff1c2', stroke: '#a66f00', label: 'with warnings' },
  failed: { fill: '#f7d4d4', stroke: '#b3261e', label: 'failed' },
};

/**
 * A DOT quoted string: backslash and quote escaped (so Graphviz's \N, \G, \l escapes cannot be injected), `&` written
 * as an entity (Graphviz reads entities in labels), line breaks removed.
 */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;').replace(/[\r\n]+/g, ' ')}"`;
}

/** Above this many applications, the picture drops the application-to-host lines and bounds the layout effort. */
export const LARGE_GRAPH = 60;
/**
 * More applications than this are not drawn: the picture is a note (the runbook lists them in import order). Graphviz
 * took ~9 s for 500 applications; for 2000 its WebAssembly heap ran out after a minute and the report failed.
 */
export const MAX_DRAWN_APPLICATIONS = 500;

/** Node ids of the graph: stable, and free of anything a name could carry. */
export const appNodeId = (importOrder: number): string => `app${importOrder}`;
export const hostNodeId = (index: number): string => `host${index}`;

/**
 * The dependency picture as DOT: applications top-down in import order (a referenced application above those that
 * reference it; the arrow points from an application to what it references), coloured by state; below them, the hosts
 * the bindings name with their adapter handlers, dashed lines from each application to the hosts it uses. The ranks
 * follow the references, so an application is always below those it references (import order reads top-down). Pure.
 */
export function buildReportDot(model: ReportModel): string {
  if (model.graph.nodes.length > MAX_DRAWN_APPLICATIONS) {
    return [
      'digraph BizTalkBackup {',
      '  graph [bgcolor="white", pad=0.2];',
      `  note [shape=box, style="rounded", fontname="Helvetica", fontsize=12, label=${dotString(`${model.graph.nodes.length} applications: too many to draw (more than ${MAX_DRAWN_APPLICATIONS}). The runbook lists them in import order.`)}];`,
      '}',
      '',
    ].join('\n');
  }
  const large = model.graph.nodes.length > LARGE_GRAPH;
  const lines: string[] = [
    'digraph BizTalkBackup {',
    // Bounded layout effort on a large group: Graphviz's crossing minimisation grows much faster than the graph.
    `  graph [rankdir=TB, nodesep=0.35, ranksep=0.5, fontname="Helvetica", fontsize=11, bgcolor="white", pad=0.2${large ? ', nslimit=2, nslimit1=2, mclimit=0.1, searchsize=10' : ''}];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  const ids = new Map(model.graph.nodes.map((n) => [n.name.toLowerCase(), appNodeId(n.importOrder)] as const));
  lines.push('  subgraph cluster_applications {', `    label=${dotString('Applications (import order, top first)')}; style="dashed"; color="#999999"; fontcolor="#333333";`);
  for (const node of model.graph.nodes) {
    const colour = STATE_COLOURS[node.state];
    lines.push(`    ${appNodeId(node.importOrder)} [label=${dotString(`${node.importOrder}. ${node.name}`)}, fillcolor=${dotString(colour.fill)}, color=${dotString(colour.stroke)}, class=${dotString(`app state-${node.state}`)}];`);
  }
  lines.push('  }');
  for (const edge of model.graph.edges) {
    const from = ids.get(edge.from.toLowerCase());
    const to = ids.get(edge.to.toLowerCase());
    // Laid out referenced -> referencing (top-down in import order), drawn as "references" (arrowhead at the referenced one).
    if (from !== undefined && to !== undefined) lines.push(`  ${to} -> ${from} [dir=back, class="reference"];`);
  }
  if (model.graph.hosts.length > 0) {
    lines.push('  subgraph cluster_hosts {', `    label=${dotString('Hosts and adapter handlers the bindings name (not in the backup)')}; style="dashed"; color="#999999"; fontcolor="#333333";`);
    for (const [index, host] of model.graph.hosts.entries()) {
      const handlers = model.graph.handlers.filter((h) => h.host.toLowerCase() === host.name.toLowerCase()).map((h) => `${h.adapter} ${h.direction.toLowerCase()}`);
      const label = [`${host.name}`, `${host.type === 'Isolated' ? 'isolated' : 'in-process'}${host.trusted ? ', trusted' : ''}`, ...handlers].join('\n');
      lines.push(`    ${hostNodeId(index)} [shape=box, style="filled", fillcolor="#f4f4f4", color="#888888", label=${dotLabelLines(label)}, class="host"];`);
    }
    lines.push('  }');
    const hostIds = new Map(model.graph.hosts.map((h, i) => [h.name.toLowerCase(), hostNodeId(i)] as const));
    // On a large group the lines to the hosts are left out (the hosts stay, with their handlers): they would make the
    // picture unreadable and its layout take minutes.
    for (const app of large ? [] : model.applications) {
      const from = ids.get(app.name.toLowerCase());
      for (const host of app.hosts) {
        const to = hostIds.get(host.toLowerCase());
        if (from !== undefined && to !== undefined) lines.push(`  ${from} -> ${to} [style=dashed, color="#9a9a9a", arrowhead=none, class="uses-host"];`);
      }
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Lines of a label: each escaped, joined by DOT's centred line break. */
function dotLabelLines(text: string): string {
  return `"${text
    .split('\n')
    .map((line) => dotString(line).slice(1, -1))
    .join('\\n')}"`;
}
