import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import * as yazl from 'yazl';
import { archiveKindOf, listArchiveMembers, openArchiveMember, writeTarGz, writeZip } from '../../src/data/archive.js';
import { DataError } from '../../src/data/errors.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** 20,000 numbered lines (about 250 kB), as a generator: what the writers stream. */
function* lines(n = 20_000): Generator<string> {
  for (let i = 0; i < n; i++) yield `line ${i} ${'x'.repeat(i % 7)}\n`;
}
const TEXT = [...lines()].join('');

async function readAll(path: string): Promise<{ name: string; bytes?: number; text: string }> {
  const m = await openArchiveMember(path);
  const parts: Buffer[] = [];
  for await (const c of m.stream) parts.push(c as Buffer);
  return { name: m.memberName, bytes: m.memberBytes, text: Buffer.concat(parts).toString('utf8') };
}

async function streamError(path: string): Promise<Error> {
  try {
    await readAll(path);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const hasTool = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('single-member archives', () => {
  it('writeTarGz → openArchiveMember returns the member and its size; GNU tar reads the same bytes', async () => {
    const path = join(dir, 'a.tar.gz');
    const written = await writeTarGz(path, 'a.data', lines());
    expect(written.bytesUncompressed).toBe(Buffer.byteLength(TEXT));
    expect(written.bytesCompressed).toBe(statSync(path).size);
    expect(archiveKindOf(path)).toBe('tar.gz');
    expect(await readAll(path)).toEqual({ name: 'a.data', bytes: Buffer.byteLength(TEXT), text: TEXT });
    expect(await listArchiveMembers(path)).toEqual({ path, kind: 'tar.gz', members: [{ name: 'a.data', bytes: Buffer.byteLength(TEXT) }], verified: true });
    // an independent reader: GNU tar (when installed)
    if (hasTool('tar')) expect(execFileSync('tar', ['-xzOf', path]).toString('utf8')).toBe(TEXT);
  });

  it('writeZip → openArchiveMember (async source); unzip reads the same bytes; verify checks size and CRC', async () => {
    const path = join(dir, 'a.zip');
    async function* source() {
      yield* lines();
    }
    const written = await writeZip(path, 'a.csv', source());
    expect(written.bytesUncompressed).toBe(Buffer.byteLength(TEXT));
    expect(archiveKindOf(path)).toBe('zip');
    expect(await readAll(path)).toEqual({ name: 'a.csv', bytes: Buffer.byteLength(TEXT), text: TEXT });
    expect(await listArchiveMembers(path, { verify: true })).toEqual({ path, kind: 'zip', members: [{ name: 'a.csv', bytes: Buffer.byteLength(TEXT) }], verified: true });
    if (hasTool('unzip')) expect(execFileSync('unzip', ['-p', path]).toString('utf8')).toBe(TEXT);
  });

  it('plain and gzip files are their own single member (named without .gz)', async () => {
    const plain = join(dir, 'p.data');
    writeFileSync(plain, TEXT);
    expect(await readAll(plain)).toEqual({ name: 'p.data', bytes: Buffer.byteLength(TEXT), text: TEXT });
    const gz = join(dir, 'p.data.gz');
    writeFileSync(gz, gzipSync(TEXT));
    expect(archiveKindOf(gz)).toBe('gzip');
    expect(await readAll(gz)).toEqual({ name: 'p.data', bytes: undefined, text: TEXT });
    expect((await listArchiveMembers(gz, { verify: true })).members).toEqual([{ name: 'p.data', bytes: Buffer.byteLength(TEXT) }]);
  });

  it('a truncated tar.gz: the stream fails with a DataError naming the file; listing rejects', async () => {
    const path = join(dir, 'cut.tar.gz');
    await writeTarGz(path, 'a.data', lines(200_000), { level: 1 });
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const error = await streamError(path);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated or corrupt archive \\(gzip: unexpected end of file\\)`));
    await expect(listArchiveMembers(path)).rejects.toThrow(/cut\.tar\.gz: truncated or corrupt archive/);
  });

  it('a truncated zip is refused on open (no central directory)', async () => {
    const path = join(dir, 'cut.zip');
    await writeZip(path, 'a.csv', lines());
    truncateSync(path, Math.floor(statSync(path).size / 2));
    await expect(openArchiveMember(path)).rejects.toThrow(/cut\.zip: truncated or corrupt zip/);
    await expect(listArchiveMembers(path)).rejects.toThrow(DataError);
  });

  it('a zip member whose bytes were altered fails its CRC-32 check', async () => {
    const path = join(dir, 'crc.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(TEXT), 'a.csv', { compress: false });
    zip.end();
    await pipeline(zip.outputStream as unknown as NodeJS.ReadableStream, createWriteStream(path));
    const bytes = readFileSync(path);
    const at = bytes.indexOf('line 100 ');
    bytes[at + 5] = '9'.charCodeAt(0);
    writeFileSync(path, bytes);
    const error = await streamError(path);
    expect(error.message).toMatch(/crc\.zip: zip member a\.csv: CRC-32 [0-9a-f]{8} differs from the directory's [0-9a-f]{8}/);
    await expect(listArchiveMembers(path, { verify: true })).rejects.toThrow(/CRC-32/);
  });

  it('several members or none: an error naming the archive and the members', async () => {
    const two = join(dir, 'two.tar.gz');
    const pack = tar.pack();
    pack.entry({ name: 'x.data' }, 'one\n');
    pack.entry({ name: 'y.data' }, 'two\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    writeFileSync(two, gzipSync(Buffer.concat(chunks)));
    expect((await streamError(two)).message).toMatch(/two\.tar\.gz: several members in the archive: x\.data and y\.data \(expected one\)/);
    expect((await listArchiveMembers(two)).members.map((m) => m.name)).toEqual(['x.data', 'y.data']);

    const twoZip = join(dir, 'two.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('one\n'), 'x.csv');
    zip.addBuffer(Buffer.from('two\n'), 'y.csv');
    zip.end();
    await pipeline(zip.outputStream as unknown as NodeJS.ReadableStream, createWriteStream(twoZip));
    await expect(openArchiveMember(twoZip)).rejects.toThrow(/two\.zip: several members in the archive: x\.csv, y\.csv \(expected one\)/);

    const empty = join(dir, 'empty.tar.gz');
    const none = tar.pack();
    none.finalize();
    const emptyChunks: Buffer[] = [];
    for await (const c of none) emptyChunks.push(c as Buffer);
    writeFileSync(empty, gzipSync(Buffer.concat(emptyChunks)));
    expect(archiveKindOf(empty)).toBe('tar.gz');
    await expect(openArchiveMember(empty)).rejects.toThrow(/empty\.tar\.gz: no member in the archive \(an empty tar\)/);
    const emptyZip = join(dir, 'empty.zip');
    const z0 = new yazl.ZipFile();
    z0.end();
    await pipeline(z0.outputStream as unknown as NodeJS.ReadableStream, createWriteStream(emptyZip));
    await expect(openArchiveMember(emptyZip)).rejects.toThrow(/empty\.zip: no member in the archive/);
  });

  it('a missing file is an error naming it', async () => {
    await expect(openArchiveMember(join(dir, 'absent.tar.gz'))).rejects.toThrow(/absent\.tar\.gz/);
  });
});
