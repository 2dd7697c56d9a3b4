/**
 * The key under which scripts/compiledCli.mjs, the loader of the bundled CLI, puts its `import()`: the bundle
 * runs as a vm.Script compiled from V8's code cache, and in Node 20 a script compiled from that cache has lost
 * its dynamic import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; nodejs/node#35375,
 * zertosh/v8-compile-cache#30), so the bundle imports through the loader, an ES module, instead.
 */
const LOADER_IMPORT = Symbol.for('asmm.importOutsideBundle');

/**
 * `import(specifier)` of an ES module that is not part of the CLI bundle (a package such as playwright-core,
 * a file URL such as a bench module): through the bundle's loader when there is one (see LOADER_IMPORT),
 * else Node's own `import()` (tsx, tests, the notebook kernel). Bare specifiers resolve from the project.
 */
export function importOutsideBundle<T>(specifier: string): Promise<T> {
  const loaderImport = (globalThis as Record<symbol, unknown>)[LOADER_IMPORT] as ((specifier: string) => Promise<T>) | undefined;
  return loaderImport !== undefined ? loaderImport(specifier) : (import(specifier) as Promise<T>);
}
