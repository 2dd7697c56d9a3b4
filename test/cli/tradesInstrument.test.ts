import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookMarket } from '../../src/jupyter/notebookData.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A book that names no instrument (an asmm CSV) beside a --trades file of several instruments' trades (the
// shared cryptofeed capture: BTC-USD-220527, BTC-USDT, UNI-USD-SWAP) took the first trade table: BTC-USDT's
// book was estimated with BTC-USD-220527's 4 trades (BTC-USDT has 69), exit 0 and no word. Reference: the
// trade counts per instrument in ../shared/data/PROVENANCE.md (BTC-USDT 69, BTC-USD-220527 4, UNI-USD-SWAP 1).
const okx = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');

describe.skipIf(!existsSync(okx))('--trades holding several instruments beside a book that names none (skipped without ../shared/data)', () => {
  const dir = tempDir('asmm-trades-inst-');
  const book = join(dir, 'btc', 'BTC-USDT.books.csv');

  it('estimate refuses to guess, naming the instruments; --inst picks BTC-USDT\'s 69 trades', () => {
    expect(runAsmm(['convert', okx, '--inst', 'BTC-USDT', '--to', 'csv', join(dir, 'btc')]).code).toBe(0);
    const r = runAsmm(['estimate', '--data', book, '--trades', okx]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds 3 trade tables \(BTC-USD-220527, BTC-USDT, UNI-USD-SWAP\) and the book names no instrument: choose one with --inst/);
    const picked = runAsmm(['estimate', '--data', book, '--trades', okx, '--inst', 'BTC-USDT']);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout).toMatch(/98 book rows, 69 trades from /);
  });

  it('a notebook refuses it too (ASMM_BOOKS a CSV, ASMM_TRADES the capture), naming the instruments; BTC-USDT\'s own trades file gives its 69', async () => {
    if (!existsSync(book)) expect(runAsmm(['convert', okx, '--inst', 'BTC-USDT', '--to', 'csv', join(dir, 'btc')]).code).toBe(0);
    await expect(notebookMarket({ env: { ASMM_BOOKS: book, ASMM_TRADES: okx }, print: () => {} })).rejects.toThrow(/ASMM_TRADES=.*holds 3 trade tables \(BTC-USD-220527, BTC-USDT, UNI-USD-SWAP\) and the book of ASMM_BOOKS names no instrument/);
    const own = await notebookMarket({ env: { ASMM_BOOKS: book, ASMM_TRADES: join(dir, 'btc', 'BTC-USDT.trades.csv') }, print: () => {} });
    expect(own.trades?.tsMs.length).toBe(69);
  });
});
