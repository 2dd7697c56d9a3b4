import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, openCatalog } from '../../src/catalog/index.js';
import { replayCryptofeedOkx } from '../../src/formats/cryptofeedOkx.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A capture of several instruments into the catalog: each instrument's gaps and metadata are its own. They
// once all went under the first instrument of the file (a broken UNI-USD-SWAP book masked BTC-USD-220527's
// backtest, and only that first instrument had an instrument.json); found by review.

const capture = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
const present = existsSync(capture);

describe.skipIf(!present)(`a cryptofeed capture of several instruments, one of them broken${present ? '' : ': skipped, ../shared/data is absent'}`, () => {
  it('the broken instrument alone has the gap, and every instrument its metadata', async () => {
    const dir = tempDir('asmm-catalog-multi-');
    // one size of a UNI-USD-SWAP books update changed: its checksum fails, its book is masked to the next snapshot
    const lines = readFileSync(capture, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"channel":"books"') && l.includes('"instId":"UNI-USD-SWAP"') && l.includes('"action":"update"') && /"bids":\[\["/.test(l));
    expect(at).toBeGreaterThan(0);
    const before = lines[at];
    lines[at] = before.replace(/("bids":\[\["[0-9.]+",")([0-9.]+)"/, (_m, head: string, size: string) => `${head}${Number(size) + 1}"`);
    expect(lines[at]).not.toBe(before);
    const broken = join(dir, 'OKX.bad.ws.1.0');
    writeFileSync(broken, lines.join('\n'));
    const replay = await replayCryptofeedOkx(broken, 5);
    const instruments = [...replay.instruments.keys()];
    const maskedIn = instruments.filter((i) => (replay.instruments.get(i)!.book?.masked ?? []).length > 0);
    expect(maskedIn).toEqual(['UNI-USD-SWAP']);

    const root = join(dir, 'catalog');
    const writer = await CatalogWriter.create(root);
    await importIntoCatalog(writer, broken, { venue: 'okx' });
    writer.close();
    const catalog = await openCatalog(root);
    try {
      for (const inst of instruments) {
        const gaps = await catalog.gapsOf('okx', inst);
        expect(gaps.length > 0, inst).toBe(inst === 'UNI-USD-SWAP');
      }
      const withMeta = catalog.instruments().filter((i) => i.meta !== undefined).map((i) => i.instrument);
      expect(withMeta.sort()).toEqual([...instruments].sort());
    } finally {
      await catalog.close();
    }
  });
});
