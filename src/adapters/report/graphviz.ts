import { Graphviz } from '@hpcc-js/wasm-graphviz';

let loaded: Promise<Graphviz> | undefined;

/**
 * DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no native install, no network. The module
 * is loaded once per process.
 */
export async function renderDotToSvg(dot: string): Promise<string> {
  loaded ??= Graphviz.load();
  return (await loaded).dot(dot, 'svg');
}
