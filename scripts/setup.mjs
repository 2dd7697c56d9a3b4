#!/usr/bin/env node
// Idempotent set-up pre-step run before `npm start`, `npm test`, `npm run bench` and `npm run lab`.
// Plain Node with no dependencies, because it may run before node_modules exists.
// It does only what is missing:
//   1. `npm ci` when node_modules is absent or older than package-lock.json;
//   2. Debian packages for Jupyter (nbconvert, nbclient, jupyter-client, classic notebook) and Chromium, via apt;
//   3. the tslab kernelspec inside the project (.jupyter/kernels/tslab), used through JUPYTER_PATH.
// When everything is in place it only stats a few files (well under 3 s).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const say = (msg) => process.stderr.write(`asmm setup: ${msg}\n`);

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (mtimeMs(installed) >= 0 && mtimeMs(installed) >= mtimeMs(lock)) return;
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  say(`node_modules missing or older than package-lock.json: npm ${args[0]}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    say(`npm ${args[0]} failed (exit ${result.status}); fix the error above and run again`);
    process.exit(1);
  }
  const now = new Date();
  if (existsSync(installed)) utimesSync(installed, now, now);
}

// Each requirement is one Debian package and a file that proves it is installed.
const systemRequirements = [
  { pkg: 'jupyter-nbconvert', proof: '/usr/bin/jupyter-nbconvert' },
  { pkg: 'jupyter-client', proof: '/usr/lib/python3/dist-packages/jupyter_client' },
  { pkg: 'python3-nbclient', proof: '/usr/lib/python3/dist-packages/nbclient' },
  { pkg: 'jupyter-notebook', proof: '/usr/bin/jupyter-notebook' },
  { pkg: 'chromium', proof: '/usr/bin/chromium' },
];

function ensureSystemPackages() {
  const missing = systemRequirements.filter((r) => !existsSync(r.proof)).map((r) => r.pkg);
  if (missing.length === 0) return;
  const hint = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const hasApt = existsSync('/usr/bin/apt-get');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!hasApt || !isRoot) {
    say(`missing system packages (${missing.join(', ')}); ${hasApt ? 'not root, so' : 'no apt-get here, so'} install them yourself: ${hint}`);
    process.exit(1);
  }
  say(`installing Debian packages: ${missing.join(' ')} (about 1.5 min)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0) {
      say(`apt-get ${args[0]} failed (exit ${result.status}); run by hand: ${hint}`);
      process.exit(1);
    }
  }
}

function ensureKernelspec() {
  const launcher = join(root, 'scripts', 'tslab-kernel.cjs');
  const dir = join(root, '.jupyter', 'kernels', 'tslab');
  const spec = {
    argv: [process.execPath, launcher, '{connection_file}'],
    display_name: 'TypeScript (asmm, tslab)',
    language: 'typescript',
  };
  const text = JSON.stringify(spec, null, 2) + '\n';
  const path = join(dir, 'kernel.json');
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, text);
  say(`registered the tslab kernelspec in ${dir}`);
}

ensureNodeModules();
ensureSystemPackages();
ensureKernelspec();
