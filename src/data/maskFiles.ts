import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { DataError } from './errors.js';
import { mergeMasks, type MaskedInterval } from './masks.js';

/**
 * Masked intervals on disk (see `masks.ts`). CSV tables keep them in a sidecar beside the file,
 * `<name>.masked.csv` for `<name>.csv` (or `<name>.csv.gz`), with the header `from_ts_ms,to_ts_ms,reason`;
 * Arrow files in their schema metadata under `asmm.masked` as a JSON array of `{fromMs, toMs, reason}`.
 */
export const MASK_SIDECAR_HEADER = 'from_ts_ms,to_ts_ms,reason';
export const ARROW_MASK_KEY = 'asmm.masked';

/** The sidecar path of a CSV table: `books.csv` → `books.masked.csv`. */
export function maskSidecarPath(csvPath: string): string {
  return csvPath.replace(/(\.csv)?(\.gz)?$/i, '') + '.masked.csv';
}

/** A reason as one CSV field: quoted, inner quotes doubled, line breaks folded. */
function csvField(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/"/g, '""')}"`;
}

/**
 * Writes the sidecar of a CSV table (atomically), or removes a stale one when nothing is masked, so that a
 * rewritten file never inherits another's masks.
 */
export function writeMaskSidecar(csvPath: string, masks: readonly MaskedInterval[] | undefined): void {
  const path = maskSidecarPath(csvPath);
  const merged = mergeMasks(masks);
  if (merged.length === 0) {
    rmSync(path, { force: true });
    return;
  }
  const lines = [MASK_SIDECAR_HEADER, ...merged.map((m) => `${m.fromMs},${m.toMs},${csvField(m.reason)}`)];
  writeFileSync(`${path}.partial`, lines.join('\n') + '\n');
  renameSync(`${path}.partial`, path);
}

/** Reads the sidecar of a CSV table; undefined when there is none. Errors name the sidecar, line and field. */
export function readMaskSidecar(csvPath: string): MaskedInterval[] | undefined {
  const path = maskSidecarPath(csvPath);
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  if (lines[0].trim() !== MASK_SIDECAR_HEADER) throw new DataError(path, 1, 'header', `expected "${MASK_SIDECAR_HEADER}"`);
  const out: MaskedInterval[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const m = /^([^,]*),([^,]*),(.*)$/.exec(line);
    if (!m) throw new DataError(path, i + 1, '', 'expected from_ts_ms,to_ts_ms,reason');
    const fromMs = Number(m[1]);
    const toMs = Number(m[2]);
    if (m[1].trim() === '' || !Number.isFinite(fromMs)) throw new DataError(path, i + 1, 'from_ts_ms', `not a number ("${m[1]}")`);
    if (m[2].trim() === '' || !(toMs > fromMs)) throw new DataError(path, i + 1, 'to_ts_ms', `must be a number after from_ts_ms ("${m[2]}")`);
    const reason = m[3].startsWith('"') && m[3].endsWith('"') ? m[3].slice(1, -1).replace(/""/g, '"') : m[3];
    out.push({ fromMs, toMs, reason });
  }
  return out;
}

/** The Arrow metadata value for masks ('' when nothing is masked: the key is then left out). */
export function masksToArrowMeta(masks: readonly MaskedInterval[] | undefined): string {
  const merged = mergeMasks(masks);
  return merged.length === 0 ? '' : JSON.stringify(merged);
}

/** Masks from an Arrow file's metadata value; errors name the file and the key. */
export function masksFromArrowMeta(path: string, value: string | undefined): MaskedInterval[] | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new DataError(path, 0, ARROW_MASK_KEY, `not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new DataError(path, 0, ARROW_MASK_KEY, 'expected a JSON array of {fromMs, toMs, reason}');
  return parsed.map((m: { fromMs?: unknown; toMs?: unknown; reason?: unknown }, i) => {
    if (typeof m?.fromMs !== 'number' || typeof m.toMs !== 'number' || !(m.toMs > m.fromMs)) throw new DataError(path, 0, `${ARROW_MASK_KEY}[${i}]`, 'expected fromMs < toMs, numbers');
    return { fromMs: m.fromMs, toMs: m.toMs, reason: String(m.reason ?? '') };
  });
}
