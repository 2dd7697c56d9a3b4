#!/usr/bin/env node
// Idempotent set-up pre-step run before `npm start`, `npm test`, `npm run bench` and `npm run lab`.
// Plain Node with no dependencies, because it may run before node_modules exists.
// It does only what is missing:
//   1. `npm ci` when node_modules is absent or older than package-lock.json;
//   2. Debian packages for Jupyter (nbconvert, nbclient, jupyter-client, classic notebook), Chromium and redis-server, via apt;
//      with --bench (npm run bench only) also python3-pandas, the baseline of bench/referenceCsv.bench.ts;
//   3. the tslab kernelspec inside the project (.jupyter/kernels/tslab), used through JUPYTER_PATH;
//   4. dist/, the compiled JavaScript the CLI runs, when src/ is newer (scripts/build.mjs, about a second).
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
  // the distributed calibration's tests start their own Redis (test/distributed)
  { pkg: 'redis-server', proof: '/usr/bin/redis-server' },
];

// Wanted by `npm run bench` only (--bench), and optional: without it the benchmark says what it did not compare.
const benchRequirements = [{ pkg: 'python3-pandas', proof: '/usr/lib/python3/dist-packages/pandas' }];

function ensureSystemPackages(withBench) {
  const missingRequired = systemRequirements.filter((r) => !existsSync(r.proof)).map((r) => r.pkg);
  const missingOptional = withBench ? benchRequirements.filter((r) => !existsSync(r.proof)).map((r) => r.pkg) : [];
  const missing = [...missingRequired, ...missingOptional];
  if (missing.length === 0) return;
  const hint = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  // Stops when a required package is missing; when only optional ones are, says so and carries on.
  const giveUp = (msg) => {
    say(msg);
    if (missingRequired.length > 0) process.exit(1);
    say(`continuing without ${missingOptional.join(', ')}; the benchmarks that need it say what they did not measure`);
  };
  const hasApt = existsSync('/usr/bin/apt-get');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!hasApt || !isRoot) {
    giveUp(`missing system packages (${missing.join(', ')}); ${hasApt ? 'not root, so' : 'no apt-get here, so'} install them yourself: ${hint}`);
    return;
  }
  say(`installing Debian packages: ${missing.join(' ')}${missingRequired.length > 0 ? ' (about 1.5 min)' : ''}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0) {
      giveUp(`apt-get ${args[0]} failed (exit ${result.status}); run by hand: ${hint}`);
      return;
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
ensureSystemPackages(process.argv.includes('--bench'));
ensureKernelspec();
// after npm ci: the build needs esbuild from node_modules
const { ensureDist } = await import('./build.mjs');
await ensureDist((msg) => say(msg));
