#!/usr/bin/env node
// Starts the tslab TypeScript kernel with the project root as its working directory, whatever folder
// the notebook sits in. tslab compiles cells with rootDir = process.cwd(), so this is what lets every
// notebook import `./src/<domain>/index.js` and read `./data/...` the same way under nbconvert and
// under the classic notebook server. Usage (from the kernelspec): tslab-kernel.cjs <connection_file>
const path = require('node:path');
const root = path.dirname(__dirname);
process.chdir(root);
const { startKernel } = require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js'));
startKernel({ configPath: process.argv[2] || '', enableFindLocal: false });
