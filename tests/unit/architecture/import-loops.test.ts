import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The folders of lib/ form a one-way graph: a folder may lean on another only if that one never leans back,
 * directly or through a third. Files at the root of lib/ (env.ts) count as one node, "lib".
 */
const root = path.resolve(import.meta.dirname, '../../..');
const libDir = path.join(root, 'lib');
const skipped = [path.join(libDir, 'sonata', 'generated')];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skipped.some((s) => full === s || full.startsWith(s + path.sep))) continue;
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The lib/ node a path inside lib/ belongs to, or null when it lies outside lib/. */
function nodeOf(absolute: string): string | null {
  const rel = path.relative(libDir, absolute);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? `lib/${parts[0]}` : 'lib';
}

const specifierPattern = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]/gm;

export function importSpecifiers(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const match of withoutComments.matchAll(specifierPattern)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec) found.push(spec);
  }
  return found;
}

function resolveTarget(fromFile: string, spec: string): string | null {
  if (spec.startsWith('@/')) return nodeOf(path.join(root, spec.slice(2)));
  if (spec.startsWith('.')) return nodeOf(path.resolve(path.dirname(fromFile), spec));
  return null;
}

export type FolderGraph = Map<string, Map<string, string>>;

/** node → (imported node → one file that shows the edge) */
export function folderGraph(files: { file: string; source: string }[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const { file, source } of files) {
    const from = nodeOf(file);
    if (!from) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const spec of importSpecifiers(source)) {
      const to = resolveTarget(file, spec);
      if (!to || to === from) continue;
      const edges = graph.get(from)!;
      if (!edges.has(to)) edges.set(to, `${path.relative(root, file)} → ${spec}`);
    }
  }
  return graph;
}

/** The first cycle found, as a list of nodes ending where it starts, or null. */
export function findCycle(graph: FolderGraph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

function describeCycle(graph: FolderGraph, cycle: string[]): string {
  return cycle
    .slice(0, -1)
    .map((from, i) => `${from} → ${cycle[i + 1]} (${graph.get(from)?.get(cycle[i + 1]!)})`)
    .join('\n');
}

function libGraph(): FolderGraph {
  return folderGraph(sourceFiles(libDir).map((file) => ({ file, source: fs.readFileSync(file, 'utf8') })));
}

describe('lib/ folder imports', () => {
  it('form no loop between folders', () => {
    const graph = libGraph();
    const cycle = findCycle(graph);
    expect(cycle ? `import loop:\n${describeCycle(graph, cycle)}` : 'no loop').toBe('no loop');
  });

  it('keep the sync layer below the screens, the listener and the live stream', () => {
    const sync = libGraph().get('lib/sync') ?? new Map<string, string>();
    const forbidden = ['lib/data', 'lib/auth', 'lib/live', 'lib/listener', 'lib/actions'];
    expect([...sync.entries()].filter(([to]) => forbidden.includes(to)).map(([, where]) => where)).toEqual([]);
  });

  it('keep lib/domain pure: it reads only the generated MEF types', () => {
    const domain = libGraph().get('lib/domain') ?? new Map<string, string>();
    const outside = [...domain.values()].filter((where) => !/→ (@\/lib|\.\.)\/sonata\/generated\//.test(where));
    expect(outside).toEqual([]);
  });

  describe('the checker itself', () => {
    const file = (rel: string, source: string) => ({ file: path.join(root, rel), source });

    it('finds a loop through a third folder and names each edge', () => {
      const graph = folderGraph([
        file('lib/a/x.ts', "import { b } from '@/lib/b/y';"),
        file('lib/b/y.ts', "export { c } from '../c/z';"),
        file('lib/c/z.ts', "const m = await import('@/lib/a/x');"),
      ]);
      const cycle = findCycle(graph);
      expect(cycle).toEqual(['lib/a', 'lib/b', 'lib/c', 'lib/a']);
      expect(describeCycle(graph, cycle!)).toContain("lib/c/z.ts → @/lib/a/x");
    });

    it('counts root files of lib/ as one node and ignores packages, comments and imports within a folder', () => {
      const graph = folderGraph([
        file('lib/env.ts', "import { z } from 'zod';\nimport { t } from './sync/t';"),
        file('lib/sync/t.ts', "import { u } from './u';\n// import { env } from '@/lib/env';\nimport type { D } from '@/db/schema';"),
      ]);
      expect(findCycle(graph)).toBeNull();
      expect([...graph.get('lib')!.keys()]).toEqual(['lib/sync']);
      expect([...graph.get('lib/sync')!.keys()]).toEqual([]);
    });

    it('sees a loop between a root file and a folder', () => {
      const graph = folderGraph([
        file('lib/server-start.ts', "import '@/lib/sync/worker';"),
        file('lib/sync/worker.ts', "import { env } from '../env';"),
      ]);
      expect(findCycle(graph)).toEqual(['lib', 'lib/sync', 'lib']);
    });
  });
});
