#!/usr/bin/env node
// Starts the tslab TypeScript kernel with the project root as its working directory, whatever folder
// the notebook sits in. tslab compiles cells with rootDir = process.cwd(), so this is what lets every
// notebook import `./src/<domain>/index.js` and read `./data/...` the same way under nbconvert and
// under the classic notebook server. Usage (from the kernelspec): tslab-kernel.cjs <connection_file>
//
// src/ is not compiled by the kernel. Left to itself, tslab type-checks and emits every src/ module a cell
// imports, then converts each to CommonJS one by one: 6-10 s of CPU in the first cell of every notebook
// (100-odd modules), paid again by every kernel. Here the cells are still type-checked against src/'s
// types (types, completions and hovers come from the sources, or their declarations: below), but src/ modules are neither
// checked again (`tsc` in `npm test` does that) nor emitted: at run time a `require` of a src/
// module loads its CommonJS build in dist/kernel/ (scripts/build.mjs, rebuilt here when src/ is newer),
// with source maps so stack traces name the .ts lines. ASMM_KERNEL_COMPILES_SRC=1 restores tslab's own way.
//
// While node_modules/.cache/asmm-types holds the declarations of the current src/ (tsc's, written by `npm test`'s
// type check; scripts/build.mjs, typesAreFresh, checked when the kernel starts), the cells' type check reads each
// src/ module's types from its .d.ts in place of its source: the same types and doc comments, without parsing the
// sources' bodies and the typings of the packages only those import (about 2 s of CPU and 40 MB of heap less per
// kernel, measured on notebooks 00-08). tslab reports no diagnostic of src/ files, so the one form a .d.ts allows
// and a .ts does not (a function without a body) changes nothing. Otherwise, after an edit to src/ for instance,
// the sources as before.
const path = require('node:path');
const Module = require('node:module');
const root = path.dirname(__dirname);
process.chdir(root);
const tslabDir = path.join(root, 'node_modules', 'tslab');

async function main() {
  if (process.env.ASMM_KERNEL_COMPILES_SRC !== '1') {
    const build = await import(path.join(root, 'scripts', 'build.mjs'));
    await build.ensureDist((m) => process.stderr.write(`asmm kernel: ${m}\n`));
    const srcDir = path.join(root, 'src');
    const readingTypes = build.typesAreFresh() ? (system) => build.readingDeclarations(system, srcDir, build.TYPES_DIR) : undefined;
    useBuiltSrc(srcDir + path.sep, build.KERNEL_DIST + path.sep, readingTypes);
  }
  const { startKernel } = require(path.join(tslabDir, 'dist', 'main.js'));
  startKernel({ configPath: process.argv[2] || '', enableFindLocal: false });
}

/**
 * Keeps tslab from checking and emitting src/ modules, and serves their CommonJS build at run time. With
 * `readingTypes` (tslab's ts.System to one that reads src/'s declarations for its sources), the type check
 * reads a src/ module's declarations under its source's name.
 */
function useBuiltSrc(srcPrefix, builtPrefix, readingTypes) {
  process.setSourceMapsEnabled(true);
  // tslab's converter lists the files to check and emit with its builder's getAllDependencies. TypeScript's
  // exports are getters that cannot be replaced, so the converter is handed a copy of the module with its
  // own createWatchCompilerHost, whose builder leaves src/ out of that list.
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  const patched = {};
  for (const key of Object.keys(ts)) if (key !== 'createWatchCompilerHost') Object.defineProperty(patched, key, { enumerable: true, get: () => ts[key] });
  patched.createWatchCompilerHost = function (...args) {
    // (rootFiles, options, system, ...): the system reads every file the program holds
    if (readingTypes) args[2] = readingTypes(args[2]);
    const host = ts.createWatchCompilerHost(...args);
    let afterProgramCreate;
    Object.defineProperty(host, 'afterProgramCreate', {
      configurable: true,
      get: () => afterProgramCreate,
      set: (fn) => {
        afterProgramCreate = (builder) => {
          const getAllDependencies = builder.getAllDependencies.bind(builder);
          builder.getAllDependencies = (sourceFile) => getAllDependencies(sourceFile).filter((file) => !path.normalize(file).startsWith(srcPrefix));
          fn(builder);
        };
      },
    });
    return host;
  };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === '@tslab/typescript-for-tslab' ? patched : load.call(this, request, ...rest);
  };
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request.startsWith('.') && parent && parent.filename) {
      const target = path.resolve(path.dirname(parent.filename), request);
      if (target.startsWith(srcPrefix)) {
        const rel = target.slice(srcPrefix.length).replace(/\.ts$/, '.js');
        return resolveFilename.call(this, builtPrefix + (path.extname(rel) === '' ? `${rel}.js` : rel), parent, ...rest);
      }
    }
    return resolveFilename.call(this, request, parent, ...rest);
  };
}

main().catch((error) => {
  process.stderr.write(`asmm kernel: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
