/**
 * `import()` of a module that is not part of Eddy (a user function's file). One place for it: the
 * startup snapshot's build (scripts/snapshot.mjs) replaces this module, as a snapshot's code has
 * no `import()` of its own.
 */
export function importModule(url: string): Promise<unknown> {
  return import(url);
}
