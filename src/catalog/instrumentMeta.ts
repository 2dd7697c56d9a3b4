import { CatalogError, type InstrumentMeta } from './schema.js';

/** The fields of `instrument.json` an import states: tick, lot, contract value. */
const FIELDS = [
  ['tickSize', 'tick'],
  ['lotSize', 'lot'],
  ['contractValue', 'contract value'],
] as const;

type Field = (typeof FIELDS)[number][0];

const isInferred = (meta: InstrumentMeta, field: Field) => meta.inferred?.includes(field) ?? false;

/**
 * The `instrument.json` an import leaves: what the catalog holds (`old`, undefined when none) merged with what
 * the import states (`next`), field by field, so that a later import never erases or silently changes what an
 * earlier one stated (a trades file carries no tick and no contract value; each books day infers its own tick):
 * - a field the import does not state keeps the catalog's value;
 * - a field the catalog does not hold, or holds as inferred while the import states it, takes the import's;
 * - two inferred ticks (or lots) that differ: the smaller (an inferred tick is the smallest step seen, an upper
 *   bound of the tick), with a note;
 * - a stated value the import infers otherwise: the stated one is kept, with a note;
 * - two stated values that differ (a contract value of 0.1 on the first day and 0.01 on the next): refused with a
 *   CatalogError naming both and their sources, unless `replace`, which takes the import's with a note. Every
 *   day of the instrument is read with the one value, so a silent replacement rescales the days already there.
 * `source` names the last import that set a value (a trades file that states none leaves the one before), so a
 * later conflict names the file a value came from. `notes` says what was kept, chosen or replaced.
 * @throws CatalogError on a conflict of stated values without `replace`.
 * @example mergeInstrumentMeta({ venue: 'okx', instrument: 'ETH-USDT-SWAP', contractValue: 0.1 }, { venue: 'okx', instrument: 'ETH-USDT-SWAP' }).meta.contractValue // 0.1
 */
export function mergeInstrumentMeta(old: InstrumentMeta | undefined, next: InstrumentMeta, replace = false): { meta: InstrumentMeta; notes: string[] } {
  if (!old) return { meta: next, notes: [] };
  const notes: string[] = [];
  const merged: Record<string, unknown> = { venue: next.venue, instrument: next.instrument };
  const inferred: Field[] = [];
  const where = (meta: InstrumentMeta) => (meta.source ? ` (the last import to set a value in instrument.json: ${meta.source})` : '');
  // whether this import sets a value (not only keeps or repeats the catalog's): only then does it become the source
  let sets = false;
  for (const [field, name] of FIELDS) {
    const was = old[field];
    const now = next[field];
    let value = now ?? was;
    let fromOld = now === undefined;
    if (was !== undefined && now !== undefined && was !== now) {
      const wasInferred = isInferred(old, field);
      const nowInferred = isInferred(next, field);
      if (wasInferred && nowInferred) {
        value = Math.min(was, now);
        fromOld = value === was;
        notes.push(`${next.instrument}: ${name} ${value} kept in instrument.json, the smaller of the ${name}s inferred (${was} before${where(old)}, ${now} from this import)`);
      } else if (wasInferred) {
        value = now;
      } else if (nowInferred) {
        value = was;
        fromOld = true;
        notes.push(`${next.instrument}: ${name} ${was} kept in instrument.json${where(old)}; this import's data suggest ${now} (inferred)`);
      } else if (replace) {
        notes.push(`WARNING ${next.instrument}: ${name} ${now} replaces ${was}${where(old)} in instrument.json (--replace): every day of ${next.instrument} is now read with ${now}`);
      } else {
        throw new CatalogError(
          `${next.instrument}: this import gives ${name} ${now}, the catalog's instrument.json holds ${was}${where(old)}: every day of an instrument is read with one ${name}, ` +
            `so one of them is wrong; give the same value, or --replace to put ${now} in its place for every day`,
        );
      }
    }
    if (value === undefined) continue;
    if (!fromOld && was !== now) sets = true;
    merged[field] = value;
    const stillInferred = was === now ? isInferred(old, field) && isInferred(next, field) : fromOld ? isInferred(old, field) : isInferred(next, field);
    if (stillInferred) inferred.push(field);
  }
  if (inferred.length > 0) merged.inferred = inferred;
  // (an instrument.json that names no source keeps naming none: a later conflict names no file rather than a wrong one)
  const source = sets ? next.source ?? old.source : old.source;
  if (source !== undefined) merged.source = source;
  return { meta: merged as unknown as InstrumentMeta, notes };
}
