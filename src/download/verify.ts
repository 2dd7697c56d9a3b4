import { listArchiveMembers } from '../data/archive.js';
import { DataError } from '../data/errors.js';

/** The outcome of checking a downloaded day file. */
export type DayFileCheck =
  | { readonly ok: true; readonly kind: string; readonly memberName: string; readonly memberBytes?: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks that a day file is whole: the archive opens and reads to its end (tar.gz: every byte decompressed;
 * zip: size and CRC-32 of the member), and it holds exactly one member, named `expectedMember` (OKX's
 * `okxBooksMemberName` / `okxTradesMemberName`). Never throws for a bad file: the reason is returned, without
 * the path (the caller names the file, which may have been moved aside).
 * @example await checkDayFile('BTC-USDT-trades-2025-11-01.zip', 'BTC-USDT-trades-2025-11-01.csv') // { ok: true, kind: 'zip', … }
 */
export async function checkDayFile(path: string, expectedMember: string): Promise<DayFileCheck> {
  try {
    const listing = await listArchiveMembers(path, { verify: true });
    if (listing.kind !== 'tar.gz' && listing.kind !== 'zip') return { ok: false, reason: `not a tar.gz or zip archive (content is ${listing.kind})` };
    const names = listing.members.map((m) => m.name);
    if (names.length !== 1) return { ok: false, reason: `holds ${names.length} members (${names.slice(0, 3).join(', ') || 'none'}), expected one: ${expectedMember}` };
    const member = listing.members[0];
    if (member.name !== expectedMember) return { ok: false, reason: `holds member ${member.name}, expected ${expectedMember}` };
    return { ok: true, kind: listing.kind, memberName: member.name, ...(member.bytes !== undefined ? { memberBytes: member.bytes } : {}) };
  } catch (error) {
    if (error instanceof DataError) return { ok: false, reason: error.reason };
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code === 'string') return { ok: false, reason: `cannot read (${e.code})` };
    throw error;
  }
}
