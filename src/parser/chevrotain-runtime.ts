import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

/**
 * Chevrotain's runtime values, loaded from the single-file bundle the package ships
 * (lib/chevrotain.mjs) when it is there. Its package entry point pulls in lodash-es module by
 * module, about 240 ms of every `eddy` start; the bundle loads in about 25 ms. The bundle is not in
 * the package's exports map, so it is located from the resolved entry point (lib/src/api.js).
 */
async function loadChevrotain(): Promise<typeof Chevrotain> {
  const entry = createRequire(import.meta.url).resolve('chevrotain');
  const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
  if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
  return import('chevrotain');
}

const chevrotain = await loadChevrotain();
export const { CstParser, Lexer, createToken, EOF, NoViableAltException, EarlyExitException, LLkLookaheadStrategy } = chevrotain;
