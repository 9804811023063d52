/**
 * The layers of src/ (DESIGN.md section 1) import only downwards: common ← parser ← planner ←
 * checkpoint ← connectors, exec ← runtime. exec/ (the operators and the graph driver) sits beside
 * connectors/ and checkpoint/ and imports neither: it reaches sources, sinks and checkpoints through
 * the interfaces in common/ (common/connector.ts) and the state backend; nothing below runtime/
 * knows the session. A new top-level folder must be placed here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const LAYERS = ['common', 'parser', 'planner', 'checkpoint', 'connectors', 'exec', 'flink', 'runtime'];
/** Pairs of layers that are peers: neither imports the other, whatever their order above. */
const PEERS: readonly (readonly [string, string])[] = [
  ['exec', 'connectors'],
  ['exec', 'checkpoint'],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level src/ folder of every relative import of `file` (type-only imports included: they couple too). */
function importedLayers(file: string): { layer: string; spec: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { layer: string; spec: string }[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
    const spec = (m[1] ?? m[2])!;
    const target = relative(SRC, resolve(file, '..', spec));
    if (target.startsWith('..')) continue;
    out.push({ layer: target.split(sep)[0]!, spec });
  }
  return out;
}

describe('import layering', () => {
  const files = tsFiles(SRC);

  it('every top-level folder of src/ has a layer', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([]);
  });

  it('no file imports from a layer above its own', () => {
    const violations: string[] = [];
    for (const file of files) {
      const own = relative(SRC, file).split(sep)[0]!;
      const rank = LAYERS.indexOf(own);
      if (rank < 0) continue; // index.ts and other files at the top of src/ may import anything
      for (const { layer, spec } of importedLayers(file)) {
        const peers = PEERS.some(([a, b]) => (a === own && b === layer) || (b === own && a === layer));
        if (LAYERS.indexOf(layer) > rank || peers) violations.push(`${relative(SRC, file)} imports ${spec} (${own} must not depend on ${layer})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the check sees imports (it is not vacuous)', () => {
    const runtimeImports = files.filter((f) => relative(SRC, f).startsWith(`runtime${sep}`)).flatMap(importedLayers);
    for (const l of ['common', 'parser', 'planner', 'checkpoint', 'connectors', 'exec']) expect(runtimeImports.some((i) => i.layer === l), l).toBe(true);
    const execImports = files.filter((f) => relative(SRC, f).startsWith(`exec${sep}`)).flatMap(importedLayers);
    expect(execImports.some((i) => i.layer === 'checkpoint' || i.layer === 'connectors')).toBe(false);
    expect(execImports.some((i) => i.layer === 'common')).toBe(true);
    expect(execImports.some((i) => i.layer === 'planner')).toBe(true);
  });
});
