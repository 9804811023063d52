// `npm run build`, after tsc: bundles the `eddy` command (dist/repl/main.js) and the package entry
// (dist/src/index.js) with esbuild, over tsc's output of those two files; the code they share is in
// dist/chunks/ (code loaded on demand, such as the shell or metrics, in chunks of its own). Loading
// ~250 modules one by one cost ~250 ms of every start (resolution, file reads, linking); a run now
// loads a few files. Packages stay external: sqlite3 is native, and the libraries only some runs
// need (Kafka client, arquero, prom-client, flechette) are imported on first use. tsc's other files
// stay in dist/ for the type declarations, the benchmarks and files addressed by URL (below).
import { build } from 'esbuild';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/**
 * Sources locate files next to their own output (`new URL('../../package.json', import.meta.url)`,
 * a worker script) as tsc lays dist/ out: dist/<dir>/<file>.js. In a bundle the code runs from an
 * output file one folder below dist/ (dist/repl/, dist/src/), so such a URL is rewritten to the
 * same target reached from there: '../' + its path inside dist/.
 */
const keepFileUrls = {
  name: 'keep-import-meta-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const outDir = join(dist, relative(root, dirname(args.path)));
      const contents = text.replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g, (_, q, rel) => {
        const target = relative(dist, resolve(outDir, rel)).split(sep).join('/');
        return `new URL(${q}../${target}${q}, import.meta.url)`;
      });
      return { contents, loader: 'ts' };
    });
  },
};

// Chunk names carry a hash of their content: the previous build's would stay behind.
await rm(join(dist, 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['repl/main.ts', 'src/index.ts'],
  outdir: dist,
  outbase: '.',
  // Every output one folder below dist/ (see keepFileUrls); `files` in package.json ships dist/chunks.
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  allowOverwrite: true,
  logLevel: 'warning',
  plugins: [keepFileUrls],
});
