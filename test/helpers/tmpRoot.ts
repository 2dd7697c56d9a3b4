import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global set-up: one temporary folder for the whole run (TMPDIR, which `os.tmpdir()` reads in the test
 * workers and every process they start), removed when the run ends, so that no test leaves files in /tmp,
 * whether or not it cleans up after itself (or fails before it could).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'asmm-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
