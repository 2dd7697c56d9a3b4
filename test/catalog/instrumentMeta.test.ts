import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog } from '../../src/catalog/index.js';
import { mergeInstrumentMeta } from '../../src/catalog/instrumentMeta.js';
import { generateSampleMarket, OKX_HISTORY_PRESETS, writeOkxHistoryDay, writeSampleMarket } from '../../src/sample/index.js';

// instrument.json was written whole by every import: a trades day imported after a books day given
// --contract-value 0.1 erased the contract value and the tick, and a second books day given --contract-value
// 0.01 replaced 0.1 with no word, so every day already in the catalog was then read with 0.01 (sizes 10x too
// small). Reference: the values each import stated, by hand.
const dir = mkdtempSync(join(tmpdir(), 'asmm-instrument-meta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { venue: 'okx', instrument: 'ETH-USDT-SWAP' } as const;

describe('mergeInstrumentMeta', () => {
  it('keeps what the import does not state, takes a stated value over an inferred one, the smaller of two inferred ticks', () => {
    // (an import that states nothing leaves the source: it set none of the values)
    expect(mergeInstrumentMeta({ ...base, tickSize: 0.01, contractValue: 0.1, inferred: ['tickSize'], source: 'a' }, { ...base, source: 'b' }).meta).toEqual({ ...base, tickSize: 0.01, contractValue: 0.1, inferred: ['tickSize'], source: 'a' });
    expect(mergeInstrumentMeta({ ...base, tickSize: 0.05, inferred: ['tickSize'] }, { ...base, tickSize: 0.01 }).meta).toEqual({ ...base, tickSize: 0.01 });
    const two = mergeInstrumentMeta({ ...base, tickSize: 0.02, inferred: ['tickSize'] }, { ...base, tickSize: 0.01, inferred: ['tickSize'] });
    expect(two.meta).toEqual({ ...base, tickSize: 0.01, inferred: ['tickSize'] });
    expect(two.notes.join('\n')).toMatch(/tick 0\.01 kept .*smaller of the ticks inferred \(0\.02 before.*0\.01 from this import\)/);
    const stated = mergeInstrumentMeta({ ...base, tickSize: 0.01 }, { ...base, tickSize: 0.02, inferred: ['tickSize'] });
    expect(stated.meta).toEqual({ ...base, tickSize: 0.01 });
    expect(stated.notes.join('\n')).toMatch(/tick 0\.01 kept.*suggest 0\.02 \(inferred\)/);
    // the same value stated once and inferred once: stated
    expect(mergeInstrumentMeta({ ...base, tickSize: 0.01 }, { ...base, tickSize: 0.01, inferred: ['tickSize'] }).meta).toEqual({ ...base, tickSize: 0.01 });
  });

  it('a conflict names the import that set the value, not a later one that stated nothing (it named the trades file after it)', () => {
    const afterTrades = mergeInstrumentMeta({ ...base, contractValue: 0.1, source: 'books-day1.tar.gz' }, { ...base, source: 'trades-day1.zip' }).meta;
    expect(() => mergeInstrumentMeta(afterTrades, { ...base, contractValue: 0.01, source: 'books-day2.tar.gz' })).toThrow(/holds 0\.1 \(the last import to set a value in instrument\.json: books-day1\.tar\.gz\)/);
    // one that sets a value becomes the source
    expect(mergeInstrumentMeta(afterTrades, { ...base, tickSize: 0.01, source: 'books-day2.tar.gz' }).meta.source).toBe('books-day2.tar.gz');
    // an instrument.json that names no source (written by hand, or before sources were kept): a trades file that
    // states nothing does not become its source, so the conflict names none rather than the trades file
    const handWritten = mergeInstrumentMeta({ ...base, contractValue: 0.1 }, { ...base, source: 'trades-day1.zip' }).meta;
    expect(handWritten).toEqual({ ...base, contractValue: 0.1 });
    expect(() => mergeInstrumentMeta(handWritten, { ...base, contractValue: 0.01, source: 'books-day2.tar.gz' })).toThrow(/holds 0\.1: every day/);
  });

  it('refuses two stated values that differ, unless replace (then a WARNING note)', () => {
    expect(() => mergeInstrumentMeta({ ...base, contractValue: 0.1, source: 'day1.tar.gz' }, { ...base, contractValue: 0.01 })).toThrow(/gives contract value 0\.01, the catalog's instrument\.json holds 0\.1 \(.*day1\.tar\.gz\).*--replace/);
    const replaced = mergeInstrumentMeta({ ...base, contractValue: 0.1 }, { ...base, contractValue: 0.01 }, true);
    expect(replaced.meta.contractValue).toBe(0.01);
    expect(replaced.notes.join('\n')).toMatch(/^WARNING ETH-USDT-SWAP: contract value 0\.01 replaces 0\.1/);
  });
});

describe('catalog import keeps instrument.json across imports', () => {
  it('a trades day after a books day keeps the contract value and tick; another contract value is refused, the file taken out again; --replace puts it in with a WARNING', async () => {
    const inst = base.instrument;
    const input = join(dir, 'in');
    const books1 = await writeOkxHistoryDay({ dir: input, kind: 'books', date: '2025-11-01', inst, ...OKX_HISTORY_PRESETS.small, durationSec: 60 });
    const trades1 = await writeOkxHistoryDay({ dir: input, kind: 'trades', date: '2025-11-01', inst, ...OKX_HISTORY_PRESETS.small, durationSec: 60 });
    const books2 = await writeOkxHistoryDay({ dir: input, kind: 'books', date: '2025-11-02', inst, ...OKX_HISTORY_PRESETS.small, durationSec: 60 });
    const root = join(dir, 'cat');
    const meta = () => JSON.parse(readFileSync(join(root, 'okx', inst, 'instrument.json'), 'utf8')) as Record<string, unknown>;
    const w = await CatalogWriter.create(root);
    try {
      await importIntoCatalog(w, books1.path, { contractValue: 0.1 });
      expect(meta()).toMatchObject({ tickSize: 0.01, contractValue: 0.1, inferred: ['tickSize'] });
      const trades = await importIntoCatalog(w, trades1.path, {});
      expect(meta()).toMatchObject({ tickSize: 0.01, contractValue: 0.1, inferred: ['tickSize'] });
      // the catalog knows the contract value: no note that it is unknown
      expect(trades.flatMap((r) => r.notes).join('\n')).not.toMatch(/contract value unknown/);
      await expect(importIntoCatalog(w, books2.path, { contractValue: 0.01 })).rejects.toThrow(/gives contract value 0\.01, the catalog's instrument\.json holds 0\.1.*nothing of .*2025-11-02\.tar\.gz was kept/);
      expect(meta()).toMatchObject({ contractValue: 0.1 });
      expect(readdirSync(join(root, 'okx', inst, 'book_top'))).toEqual(['date=2025-11-01']);
      const replaced = await importIntoCatalog(w, books2.path, { contractValue: 0.01, replace: true });
      expect(meta()).toMatchObject({ contractValue: 0.01 });
      expect(replaced.flatMap((r) => r.notes).join('\n')).toMatch(/WARNING ETH-USDT-SWAP: contract value 0\.01 replaces 0\.1/);
    } finally {
      w.close();
    }
  });
});

describe('catalog import of an asmm sample folder whose tick the catalog states otherwise', () => {
  it('is refused before any of its files goes in (the files went in, then the tick was refused, exit 2 with the days kept)', async () => {
    // the sample's params.json says tick 0.01; the catalog's instrument.json, from an earlier import, 0.05. The
    // folder's CSV files state no tick of their own, so only the sample's tick, written after them, conflicts.
    const sample = join(dir, 'sample-full');
    writeSampleMarket(sample, generateSampleMarket({ durationSec: 60 }));
    const csvOnly = join(dir, 'sample-csv');
    mkdirSync(csvOnly, { recursive: true });
    for (const f of ['books.csv', 'trades.csv', 'params.json']) copyFileSync(join(sample, f), join(csvOnly, f));
    const root = join(dir, 'sample-cat');
    mkdirSync(join(root, 'sample', 'ETH-USDT'), { recursive: true });
    writeFileSync(join(root, 'sample', 'ETH-USDT', 'instrument.json'), JSON.stringify({ venue: 'sample', instrument: 'ETH-USDT', tickSize: 0.05, source: 'an earlier import' }));
    const w = await CatalogWriter.create(root);
    try {
      await expect(importIntoCatalog(w, csvOnly, {})).rejects.toThrow(/gives tick 0\.01, the catalog's instrument\.json holds 0\.05 .*no file of .*sample-csv was imported/);
      expect(existsSync(join(root, 'sample', 'ETH-USDT', 'book_top'))).toBe(false);
      expect(existsSync(join(root, 'sample', 'ETH-USDT', 'trades'))).toBe(false);
      // --replace: the files go in, and the sample's tick replaces 0.05 with a WARNING
      const reports = await importIntoCatalog(w, csvOnly, { replace: true });
      expect(reports.flatMap((r) => r.notes).join('\n')).toMatch(/WARNING ETH-USDT: tick 0\.01 replaces 0\.05/);
      expect(JSON.parse(readFileSync(join(root, 'sample', 'ETH-USDT', 'instrument.json'), 'utf8'))).toMatchObject({ tickSize: 0.01 });
      expect(readdirSync(join(root, 'sample', 'ETH-USDT', 'book_top'))).toHaveLength(1);
    } finally {
      w.close();
    }
  });
});

describe('CatalogWriter.undo puts instrument.json back', () => {
  it('a file refused part way leaves every instrument.json as it was (one of two instruments written before the other was refused kept its new contract value)', async () => {
    const root = join(dir, 'undo-cat');
    const w = await CatalogWriter.create(root);
    const path = (inst: string) => join(root, 'okx', inst, 'instrument.json');
    try {
      w.writeInstrument({ venue: 'okx', instrument: 'ETH-USDT-SWAP', contractValue: 0.1, source: 'day1' });
      const before = readFileSync(path('ETH-USDT-SWAP'), 'utf8');
      // a capture of two swaps imported with --contract-value 0.01: the first is written, the second conflicts
      w.beginUndoable();
      w.writeInstrument({ venue: 'okx', instrument: 'BTC-USDT-SWAP', contractValue: 0.01, source: 'capture' });
      w.writeInstrument({ venue: 'okx', instrument: 'ETH-USDT-SWAP', tickSize: 0.01, source: 'capture' });
      expect(() => w.writeInstrument({ venue: 'okx', instrument: 'ETH-USDT-SWAP', contractValue: 0.01, source: 'capture' })).toThrow(/holds 0\.1/);
      w.undo();
      expect(existsSync(path('BTC-USDT-SWAP'))).toBe(false);
      expect(readFileSync(path('ETH-USDT-SWAP'), 'utf8')).toBe(before);
    } finally {
      w.close();
    }
  });
});
