import { renameSync, rmSync } from 'node:fs';

/**
 * Ends an atomic write: renames `partial` (the file written so far) to `path`; when the rename fails (the
 * target is a directory, the disk vanished...) the partial file is removed before the error goes on, so a
 * failed write leaves nothing behind.
 */
export function commitPartial(partial: string, path: string): void {
  try {
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Runs `write(partial)` and commits it to `path`; on any failure the partial file is removed. */
export function writeAtomically(path: string, write: (partial: string) => void): void {
  const partial = `${path}.partial`;
  try {
    write(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  commitPartial(partial, path);
}
