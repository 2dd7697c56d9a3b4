import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type * as TarStream from 'tar-stream';
import type * as Yauzl from 'yauzl';
import type * as Yazl from 'yazl';
import { lazyPackage } from '../project/lazyPackage.js';
import { DataError } from './errors.js';
import { isGzip, readFileHead } from './gzip.js';

// loaded on first use: the archive packages cost a command that reads no archive about 15 ms to load
const tarStream = lazyPackage<typeof TarStream>('tar-stream');
const yauzl = lazyPackage<typeof Yauzl>('yauzl');
const yazl = lazyPackage<typeof Yazl>('yazl');

/**
 * Single-member archives, read and written as streams: the shape of OKX's daily history files (one NDJSON
 * member in a `.tar.gz`, one CSV in a `.zip`), also plain and gzip files (the member is then the file itself).
 *
 * Memory: one read buffer and zlib's window, whatever the member's size (an 800 MB member streams through a
 * few MiB). Every failure is a `DataError` naming the archive and what is wrong: not an archive, truncated or
 * corrupt (zlib, tar or zip message quoted), no member, several members, a member of the wrong size.
 *
 * The kind is decided by content, never by name: zip local-file or end-of-central-directory magic (`PK\3\4`,
 * `PK\5\6`); gzip magic (RFC 1952) whose first 512 decompressed bytes are a POSIX tar header (`ustar` at
 * byte 257; or the 1024 zero bytes of an empty tar) is `tar.gz`, other gzip is `gzip`; anything else is `plain`.
 */
export type ArchiveKind = 'tar.gz' | 'zip' | 'gzip' | 'plain';

/** One member of an archive: its name inside the archive and its uncompressed size in bytes when known. */
export interface ArchiveMemberInfo {
  readonly name: string;
  /** Uncompressed bytes (tar header or zip central directory; a plain file's size); undefined for bare gzip unless verified. */
  readonly bytes?: number;
}

/** An opened member: its name, size when the archive states it, and the stream of its uncompressed bytes. */
export interface ArchiveMember {
  readonly path: string;
  readonly kind: ArchiveKind;
  readonly memberName: string;
  readonly memberBytes?: number;
  /**
   * The member's bytes. Errors on it (truncated archive, a second member after this one, a size or CRC
   * mismatch) are `DataError`s naming the archive. Destroying it closes the file.
   */
  readonly stream: Readable;
}

/** The kind of archive `path` is, by content (see `ArchiveKind`). */
export function archiveKindOf(path: string): ArchiveKind {
  const head = readFileHead(path, 1 << 16);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (!isGzip(head)) return 'plain';
  let start: Buffer;
  try {
    start = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new DataError(path, 0, '', `starts like a gzip file but does not decompress (${(error as Error).message})`);
  }
  if (start.length >= 263 && start.subarray(257, 262).toString('latin1') === 'ustar') return 'tar.gz';
  // a tar of no member is its end marker alone, two 512-byte blocks of zeros
  return start.length >= 1024 && start.subarray(0, 1024).every((b) => b === 0) ? 'tar.gz' : 'gzip';
}

/** The member name a bare gzip or plain file stands for: its file name without `.gz`. */
function bareMemberName(path: string): string {
  return basename(path).replace(/\.gz$/i, '');
}

const isFileEntry = (type: TarStream.Header['type']) => type === undefined || type === null || type === 'file' || type === 'contiguous-file';
const isZipDirectory = (name: string) => name.endsWith('/');

/**
 * Opens the single member of `path` (tar.gz, zip, gzip or plain, by content) as a stream.
 * @throws DataError (rejects) when the file is not readable, not an archive it can read, holds no member, or
 *   (zip, where the directory comes first) several; for tar.gz, whose members are only known as they come,
 *   a second member is an error on the stream after the first member's bytes.
 * @example const { memberName, stream } = await openArchiveMember('BTC-USDT-L2orderbook-400lv-2025-11-01.tar.gz')
 */
export async function openArchiveMember(path: string): Promise<ArchiveMember> {
  statSync(path); // ENOENT names the path
  const kind = archiveKindOf(path);
  if (kind === 'zip') return openZipMember(path);
  if (kind === 'tar.gz') return openTarGzMember(path);
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const fail = (reason: string) => out.destroy(new DataError(path, 0, '', reason));
  input.on('error', (e) => fail(`cannot read (${e.message})`));
  out.on('close', () => input.destroy());
  if (kind === 'gzip') {
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
    gunzip.on('error', (e) => fail(`truncated or corrupt gzip (${e.message})`));
    input.pipe(gunzip).pipe(out);
    return { path, kind, memberName: bareMemberName(path), stream: out };
  }
  input.pipe(out);
  return { path, kind, memberName: bareMemberName(path), memberBytes: statSync(path).size, stream: out };
}

function openTarGzMember(path: string): Promise<ArchiveMember> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
    const extract = tarStream().extract();
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    let first: TarStream.Header | undefined;
    let settled = false;
    const stop = () => {
      input.destroy();
      gunzip.destroy();
      extract.destroy();
    };
    const fail = (reason: string) => {
      const error = new DataError(path, 0, '', reason);
      stop();
      if (!settled) {
        settled = true;
        reject(error);
      } else out.destroy(error);
    };
    input.on('error', (e) => fail(`cannot read (${e.message})`));
    gunzip.on('error', (e) => fail(`truncated or corrupt archive (gzip: ${e.message})`));
    extract.on('error', (e: Error) => fail(`truncated or corrupt archive (tar: ${e.message})`));
    out.on('close', () => {
      if (!out.writableFinished) stop();
    });
    extract.on('entry', (header, entry, next) => {
      if (!isFileEntry(header.type)) {
        entry.on('end', () => next());
        entry.resume();
        return;
      }
      if (first) {
        entry.resume();
        fail(`several members in the archive: ${first.name} and ${header.name} (expected one)`);
        return;
      }
      first = header;
      settled = true;
      resolve({ path, kind: 'tar.gz', memberName: header.name, ...(header.size !== undefined && header.size !== null ? { memberBytes: header.size } : {}), stream: out });
      entry.on('end', () => next());
      // tar-stream's entries are streamx streams: copied by hand, with backpressure from `out`
      entry.on('data', (chunk: unknown) => {
        if (!out.write(chunk as Buffer)) {
          entry.pause();
          out.once('drain', () => entry.resume());
        }
      });
    });
    extract.on('finish', () => {
      if (!first) fail('no member in the archive (an empty tar)');
      else out.end();
    });
    input.pipe(gunzip).pipe(extract);
  });
}

function openZip(path: string): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl().open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(new DataError(path, 0, '', `truncated or corrupt zip (${error.message})`));
      else resolve(zip);
    });
  });
}

function zipEntries(path: string, zip: Yauzl.ZipFile): Promise<Yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Yauzl.Entry[] = [];
    zip.on('entry', (entry: Yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (e: Error) => reject(new DataError(path, 0, '', `truncated or corrupt zip (${e.message})`)));
    zip.readEntry();
  });
}

function zipReadStream(path: string, zip: Yauzl.ZipFile, entry: Yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new DataError(path, 0, '', `truncated or corrupt zip member ${entry.fileName} (${error.message})`));
      else resolve(stream);
    });
  });
}

/** The one file member of a zip (directories ignored); a DataError for none or several. */
function onlyMember(path: string, entries: readonly Yauzl.Entry[]): Yauzl.Entry {
  const files = entries.filter((e) => !isZipDirectory(e.fileName));
  if (files.length === 0) throw new DataError(path, 0, '', 'no member in the archive (an empty zip)');
  if (files.length > 1) throw new DataError(path, 0, '', `several members in the archive: ${files.slice(0, 3).map((e) => e.fileName).join(', ')}${files.length > 3 ? ', …' : ''} (expected one)`);
  return files[0];
}

async function openZipMember(path: string): Promise<ArchiveMember> {
  const zip = await openZip(path);
  try {
    const entry = onlyMember(path, await zipEntries(path, zip));
    const raw = await zipReadStream(path, zip, entry);
    const crc = new Crc32Check(path, entry.fileName, entry.crc32);
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    const fail = (reason: string) => out.destroy(new DataError(path, 0, '', reason));
    raw.on('error', (e: Error) => fail(`truncated or corrupt zip member ${entry.fileName} (${e.message})`));
    crc.on('error', (e: Error) => out.destroy(e));
    out.on('close', () => {
      raw.destroy();
      zip.close();
    });
    raw.pipe(crc).pipe(out);
    return { path, kind: 'zip', memberName: entry.fileName, memberBytes: entry.uncompressedSize, stream: out };
  } catch (error) {
    zip.close();
    throw error;
  }
}

type Crc32 = (data: Uint8Array, value?: number) => number;
/** zlib.crc32 (Node ≥ 20.15); undefined on older Node, where the CRC is not checked (yauzl checks sizes only). */
const crc32: Crc32 | undefined = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** Passes bytes through and checks the zip entry's CRC-32 at the end (yauzl checks sizes, not CRCs). */
class Crc32Check extends Transform {
  private value = 0;
  constructor(
    private readonly path: string,
    private readonly member: string,
    private readonly expected: number,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    if (crc32) this.value = crc32(chunk, this.value);
    done(null, chunk);
  }
  override _flush(done: (error?: Error | null) => void): void {
    if (crc32 && this.value >>> 0 !== this.expected >>> 0) {
      done(new DataError(this.path, 0, '', `zip member ${this.member}: CRC-32 ${hex(this.value)} differs from the directory's ${hex(this.expected)} (corrupt archive)`));
    } else done();
  }
}
const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

/** What `listArchiveMembers` found. */
export interface ArchiveListing {
  readonly path: string;
  readonly kind: ArchiveKind;
  readonly members: readonly ArchiveMemberInfo[];
  /** Every member was read to its end and its size (and, for zip, CRC-32) checked. */
  readonly verified: boolean;
}

/**
 * The members of an archive, for integrity checks (the archive opens, the member is there, its size). A
 * tar.gz has no index, so it is always read to its end (verified: every byte decompressed, every entry
 * complete). A zip is listed from its central directory; with `verify` each member is also read and its size
 * and CRC-32 checked. A bare gzip is decompressed with `verify` to learn its size.
 * @throws DataError naming the file: not readable, truncated or corrupt.
 */
export async function listArchiveMembers(path: string, options: { verify?: boolean } = {}): Promise<ArchiveListing> {
  statSync(path);
  const kind = archiveKindOf(path);
  if (kind === 'plain') return { path, kind, members: [{ name: bareMemberName(path), bytes: statSync(path).size }], verified: true };
  if (kind === 'gzip') {
    if (!options.verify) return { path, kind, members: [{ name: bareMemberName(path) }], verified: false };
    const { stream } = await openArchiveMember(path);
    return { path, kind, members: [{ name: bareMemberName(path), bytes: await drain(stream) }], verified: true };
  }
  if (kind === 'zip') {
    const zip = await openZip(path);
    try {
      const entries = (await zipEntries(path, zip)).filter((e) => !isZipDirectory(e.fileName));
      const members = entries.map((e) => ({ name: e.fileName, bytes: e.uncompressedSize }));
      if (!options.verify) return { path, kind, members, verified: false };
      for (const entry of entries) {
        const raw = await zipReadStream(path, zip, entry);
        const check = new Crc32Check(path, entry.fileName, entry.crc32);
        raw.on('error', (e: Error) => check.destroy(new DataError(path, 0, '', `truncated or corrupt zip member ${entry.fileName} (${e.message})`)));
        const bytes = await drain(raw.pipe(check));
        if (bytes !== entry.uncompressedSize) throw new DataError(path, 0, '', `zip member ${entry.fileName}: ${bytes} bytes, the directory says ${entry.uncompressedSize}`);
      }
      return { path, kind, members, verified: true };
    } finally {
      zip.close();
    }
  }
  return listTarGz(path);
}

function listTarGz(path: string): Promise<ArchiveListing> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
    const extract = tarStream().extract();
    const members: ArchiveMemberInfo[] = [];
    let failed = false;
    const fail = (reason: string) => {
      if (failed) return;
      failed = true;
      input.destroy();
      gunzip.destroy();
      extract.destroy();
      reject(new DataError(path, 0, '', reason));
    };
    input.on('error', (e) => fail(`cannot read (${e.message})`));
    gunzip.on('error', (e) => fail(`truncated or corrupt archive (gzip: ${e.message})`));
    extract.on('error', (e: Error) => fail(`truncated or corrupt archive (tar: ${e.message})`));
    extract.on('entry', (header, entry, next) => {
      let bytes = 0;
      entry.on('data', (chunk: unknown) => {
        bytes += (chunk as Buffer).length;
      });
      entry.on('end', () => {
        if (isFileEntry(header.type)) members.push({ name: header.name, bytes });
        next();
      });
    });
    extract.on('finish', () => {
      if (!failed) resolve({ path, kind: 'tar.gz', members, verified: true });
    });
    input.pipe(gunzip).pipe(extract);
  });
}

/** Reads a stream to its end; resolves with the byte count. */
async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** Content for the writers: strings (UTF-8) or buffers, from a generator, an array or any (async) iterable. */
export type ChunkSource = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/** What a writer produced. */
export interface WrittenArchive {
  readonly path: string;
  readonly memberName: string;
  /** The member's size, bytes. */
  readonly bytesUncompressed: number;
  /** The archive file's size, bytes. */
  readonly bytesCompressed: number;
}

export interface ArchiveWriteOptions {
  /** zlib level 0–9 (default 6, zlib's default). 1 writes about 3× faster and about 20 % larger. */
  readonly level?: number;
  /** Modification time stored for the member, ms since epoch (default 2000-01-01T00:00:00Z, so archives are reproducible byte for byte). */
  readonly mtimeMs?: number;
}

/** Counts the bytes that pass (strings become UTF-8 buffers). */
class ByteCounter extends Transform {
  bytes = 0;
  constructor() {
    // object mode counts objects, not bytes: a few chunks queued on the writable side, 1 MiB on the readable
    super({ writableObjectMode: true, writableHighWaterMark: 4, readableHighWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.bytes += buffer.length;
    done(null, buffer);
  }
}

/**
 * Writes `chunks` as the single member `memberName` of a gzip-compressed POSIX tar at `path`, streaming.
 *
 * A tar header states the member's size before its bytes, and the chunks come from a generator of unknown
 * length, so the member is first streamed to a temporary file beside the archive (`<path>.member.tmp`,
 * needing the member's size in free disk, removed afterwards), then packed from it. The archive is written to
 * `<path>.partial` and renamed at the end: a reader never sees half an archive. Memory stays bounded (a few
 * MiB) whatever the member's size.
 */
export async function writeTarGz(path: string, memberName: string, chunks: ChunkSource, options: ArchiveWriteOptions = {}): Promise<WrittenArchive> {
  const tmp = `${path}.member.tmp`;
  const partial = `${path}.partial`;
  try {
    const counter = new ByteCounter();
    await pipeline(Readable.from(chunks), counter, createWriteStream(tmp, { highWaterMark: 1 << 20 }));
    const size = counter.bytes;
    const pack = tarStream().pack();
    const gzip = zlib.createGzip({ level: options.level ?? 6, chunkSize: 1 << 18 });
    const written = pipeline(pack, gzip, createWriteStream(partial, { highWaterMark: 1 << 20 }));
    let entry!: ReturnType<TarStream.Pack['entry']>;
    const entryDone = new Promise<void>((ok, bad) => {
      entry = pack.entry({ name: memberName, size, mode: 0o644, mtime: new Date(options.mtimeMs ?? DEFAULT_MTIME_MS), type: 'file' }, (e) => (e ? bad(e) : ok()));
    });
    // tar-stream's entry is a streamx stream: written by hand, waiting on 'drain'
    for await (const chunk of createReadStream(tmp, { highWaterMark: 1 << 20 })) {
      if (!entry.write(chunk as Buffer)) await new Promise<void>((ok) => entry.once('drain', () => ok()));
    }
    (entry as unknown as { end(): void }).end();
    await entryDone;
    pack.finalize();
    await written;
    renameSync(partial, path);
    return { path, memberName, bytesUncompressed: size, bytesCompressed: statSync(path).size };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(partial, { force: true });
  }
}

/**
 * Writes `chunks` as the single member `memberName` of a zip at `path` (deflate, yazl), streaming: zip puts
 * sizes and CRC after the data (data descriptor), so no temporary file is needed. Written to `<path>.partial`
 * and renamed at the end.
 */
export async function writeZip(path: string, memberName: string, chunks: ChunkSource, options: ArchiveWriteOptions = {}): Promise<WrittenArchive> {
  const partial = `${path}.partial`;
  try {
    const counter = new ByteCounter();
    const source = Readable.from(chunks);
    source.on('error', (e) => counter.destroy(e));
    source.pipe(counter);
    const zip = new (yazl().ZipFile)();
    zip.addReadStream(counter, memberName, { mtime: new Date(options.mtimeMs ?? DEFAULT_MTIME_MS), compress: true, ...(options.level !== undefined ? { compressionLevel: options.level } : {}) });
    zip.end();
    const failedSource = new Promise<never>((_, reject) => counter.on('error', reject));
    await Promise.race([pipeline(zip.outputStream as unknown as Readable, createWriteStream(partial, { highWaterMark: 1 << 20 })), failedSource]);
    renameSync(partial, path);
    return { path, memberName, bytesUncompressed: counter.bytes, bytesCompressed: statSync(path).size };
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The member time the writers store unless told otherwise (zip's DOS time cannot hold 1970). */
const DEFAULT_MTIME_MS = Date.UTC(2000, 0, 1);
