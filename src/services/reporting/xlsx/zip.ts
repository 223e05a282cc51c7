// ZIP entries read front to back as bytes arrive. An entry sized only after its data ends where a
// descriptor's size field matches the bytes seen; fflate's Unzip looks for bare signatures, which
// compressed data holds by chance about once per 1.4 GB.
import { XlsxError } from './error.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const DESCRIPTOR = 0x08074b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const DIGITAL_SIGNATURE = 0x05054b50;
const ARCHIVE_EXTRA = 0x08064b50;
const MAX32 = 0xffffffff;
/** Bytes a data descriptor check looks at: a ZIP64 descriptor (24) and the next signature (4). */
const WINDOW = 28;
const PK = Buffer.from('PK', 'latin1');

/** One entry of an archive, met in archive order. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated; others are refused by `entryBytes`. */
  readonly method: number;
  /** CRC-32 and sizes of the data: from the local header, or from the data descriptor once `raw()` has ended. */
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  /** The entry's bytes as stored, in chunks as they arrive: read it to its end or not at all, before the next entry (unread, it is skipped). */
  raw(): AsyncGenerator<Uint8Array>;
}

const u16 = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);
const u32 = (b: Uint8Array, p: number) => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, p: number) => u32(b, p) + u32(b, p + 4) * 2 ** 32;

/** The input as a queue of chunks: headers are taken whole, data passed on in the chunks that came. */
class Bytes {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private ended = false;
  /** Bytes buffered and not yet taken. */
  available = 0;
  /** Bytes taken since the start of the archive (offsets in the central directory count these). */
  consumed = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Pulls input until `n` bytes are buffered; false when the input ends first. */
  async need(n: number): Promise<boolean> {
    while (this.available < n) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length) {
        this.chunks.push(r.value);
        this.available += r.value.length;
      }
    }
    return true;
  }

  /** The front chunk, merged with the next ones until it holds at least `min` bytes (at most what is buffered). */
  front(min: number): Uint8Array {
    let first = this.chunks[0].subarray(this.head);
    if (first.length < min) {
      const parts = [first];
      let len = first.length;
      let i = 1;
      while (len < min && i < this.chunks.length) {
        parts.push(this.chunks[i]);
        len += this.chunks[i++].length;
      }
      first = Buffer.concat(parts, len);
      this.chunks.splice(0, i, first);
      this.head = 0;
    }
    return first;
  }

  /** Takes `n` buffered bytes (n <= available) as one array. */
  take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const b = this.front(n).subarray(0, n);
    this.skip(n);
    return b;
  }

  /** Drops `n` buffered bytes (n <= available). */
  skip(n: number): void {
    this.available -= n;
    this.consumed += n;
    while (n > 0) {
      const left = this.chunks[0].length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Takes up to `max` bytes of the front chunk, pulling one when none is buffered; empty at the end of the input. */
  async piece(max: number): Promise<Uint8Array> {
    if (!this.available && !(await this.need(1))) return new Uint8Array(0);
    const c = this.chunks[0];
    const b = c.subarray(this.head, Math.min(c.length, this.head + max));
    this.skip(b.length);
    return b;
  }
}

/** Is there a record signature at `p` (the one that may follow an entry's data)? */
function nextRecordAt(b: Uint8Array, p: number): boolean {
  if (p + 4 > b.length) return false;
  const s = u32(b, p);
  return s === LOCAL || s === CENTRAL || s === DIGITAL_SIGNATURE || s === ARCHIVE_EXTRA || s === END64 || s === END;
}

/**
 * Where in `b` (whose first byte is byte `base` of the entry's data) a data descriptor starts, and
 * its length: the earliest `k < limit` where one with a size field equal to `base + k` is followed
 * by a record signature. Every descriptor form: with or without its signature, ZIP64 or not.
 */
function findDescriptor(b: Uint8Array, limit: number, base: number): { k: number; len: number } | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  let found: { k: number; len: number } | null = null;
  for (let p = buf.indexOf(PK); p >= 0 && p < limit + 12; p = buf.indexOf(PK, p + 1)) {
    // Without its signature the descriptor is crc, size, size, and `p` is the next record.
    const k = p - 12;
    if (k >= 0 && k < limit && u32(b, k + 4) === (base + k) % 2 ** 32 && nextRecordAt(b, p) && (!found || k < found.k)) found = { k, len: 12 };
    if (p < limit && p + 8 <= b.length && u32(b, p) === DESCRIPTOR && (!found || p < found.k)) {
      if (p + 12 <= b.length && u32(b, p + 8) === (base + p) % 2 ** 32 && nextRecordAt(b, p + 16)) found = { k: p, len: 16 };
      else if (p + 16 <= b.length && u64(b, p + 8) === base + p && nextRecordAt(b, p + 24)) found = { k: p, len: 24 };
    }
    if (found && found.k <= p - 12) break;
  }
  return found;
}

/** Reads a ZIP64 extended-information extra field: the values that stand for `0xffffffff` fields, in order. */
function zip64Values(extra: Uint8Array, wanted: number): number[] | null {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    if (id === 1) {
      const out: number[] = [];
      for (let q = p + 4; out.length < wanted && q + 8 <= p + 4 + len && q + 8 <= extra.length; q += 8) out.push(u64(extra, q));
      return out.length === wanted ? out : null;
    }
    p += 4 + len;
  }
  return null;
}

interface Seen {
  readonly name: Uint8Array;
  readonly offset: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
}

const decoder = new TextDecoder();

/**
 * The entries of a ZIP archive in archive order as its bytes arrive, each with its data still to
 * be read (or skipped when the caller moves on). At the end the central directory must list exactly
 * the entries seen, with the same names, offsets, CRCs and sizes; a cut or damaged archive, an
 * encrypted entry or a split archive throws XlsxError. Errors of the input pass through unchanged.
 * @example for await (const e of zipEntries(chunks)) if (e.name === 'xl/workbook.xml') for await (const b of entryBytes(e)) use(b);
 */
export async function* zipEntries(input: AsyncIterable<Uint8Array>): AsyncGenerator<ZipEntry> {
  const q = new Bytes(input[Symbol.asyncIterator]());
  const seen: Seen[] = [];
  const cut = (where: string) => new XlsxError(`the archive is cut short ${where}`);
  for (;;) {
    if (!(await q.need(4))) throw seen.length ? cut('before its central directory') : new XlsxError('not a ZIP archive');
    const sig = u32(q.front(4), 0);
    if (sig !== LOCAL) {
      if (sig === CENTRAL || sig === END || sig === DIGITAL_SIGNATURE || sig === ARCHIVE_EXTRA || sig === END64) break;
      if (sig === DESCRIPTOR && seen.length === 0) throw new XlsxError('a split (multi-volume) ZIP archive');
      throw new XlsxError(seen.length ? `the archive is damaged after ${decoder.decode(seen[seen.length - 1].name)}` : 'not a ZIP archive');
    }
    const offset = q.consumed;
    if (!(await q.need(30))) throw cut('in a local header');
    const h = q.front(30);
    const flags = u16(h, 6);
    const method = u16(h, 8);
    let crc = u32(h, 14);
    let compressedSize = u32(h, 18);
    let size = u32(h, 22);
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    if (!(await q.need(30 + nameLen + extraLen))) throw cut('in a local header');
    const header = q.take(30 + nameLen + extraLen);
    const rawName = header.slice(30, 30 + nameLen);
    const name = flags & 0x800 ? decoder.decode(rawName) : Buffer.from(rawName).toString('latin1');
    if (flags & 1) throw new XlsxError(`${name} is encrypted`);
    const described = (flags & 8) !== 0;
    if (!described && (compressedSize === MAX32 || size === MAX32)) {
      const v = zip64Values(header.subarray(30 + nameLen), (size === MAX32 ? 1 : 0) + (compressedSize === MAX32 ? 1 : 0));
      if (!v) throw new XlsxError(`${name} has a damaged ZIP64 header`);
      if (size === MAX32) size = v.shift()!;
      if (compressedSize === MAX32) compressedSize = v.shift()!;
    }

    const read = { state: 'unread' as 'unread' | 'reading' | 'done' };
    const entry: ZipEntry = {
      name,
      method,
      get crc() {
        return crc;
      },
      get compressedSize() {
        return compressedSize;
      },
      get size() {
        return size;
      },
      raw: async function* () {
        if (read.state !== 'unread') throw new Error(`zip entry ${name} read twice`);
        read.state = 'reading';
        if (!described) {
          for (let left = compressedSize; left > 0; ) {
            const b = await q.piece(left);
            if (!b.length) throw cut(`inside ${name}`);
            left -= b.length;
            yield b;
          }
        } else {
          let base = 0;
          for (;;) {
            const more = await q.need(2 * WINDOW);
            if (!q.available) throw cut(`inside ${name}`);
            const b = q.front(Math.min(q.available, 2 * WINDOW));
            const limit = more ? b.length - WINDOW : b.length;
            const d = findDescriptor(b, limit, base);
            if (d) {
              const data = b.subarray(0, d.k);
              const at = d.len === 12 ? d.k : d.k + 4;
              crc = u32(b, at);
              compressedSize = base + d.k;
              size = d.len === 24 ? u64(b, at + 12) : u32(b, at + 8);
              q.skip(d.k + d.len);
              if (data.length) yield data;
              break;
            }
            if (!more) throw cut(`inside ${name}`);
            const data = b.subarray(0, limit);
            q.skip(limit);
            base += limit;
            yield data;
          }
        }
        read.state = 'done';
      },
    };
    yield entry;
    if (read.state === 'reading') throw new Error(`zip entry ${name} was left half read`);
    if (read.state === 'unread') {
      if (described) for await (const _ of entry.raw());
      else {
        for (let left = compressedSize; left > 0; ) {
          const b = await q.piece(left);
          if (!b.length) throw cut(`inside ${name}`);
          left -= b.length;
        }
      }
    }
    seen.push({ name: rawName, offset, method, crc, compressedSize, size });
  }
  await centralDirectory(q, seen);
}

/** Reads the central directory and end records, checking them against the entries seen. */
async function centralDirectory(q: Bytes, seen: readonly Seen[]): Promise<void> {
  const damaged = (what: string) => new XlsxError(`the archive's central directory is damaged (${what})`);
  const record = async (n: number): Promise<Uint8Array> => {
    if (!(await q.need(n))) throw new XlsxError('the archive is cut short in its central directory');
    return q.take(n);
  };
  const peek = async (): Promise<number> => {
    if (!(await q.need(4))) throw new XlsxError('the archive is cut short in its central directory');
    return u32(q.front(4), 0);
  };
  const start = q.consumed;
  let count = 0;
  while ((await peek()) === CENTRAL) {
    if (!(await q.need(46))) throw new XlsxError('the archive is cut short in its central directory');
    const fixed = q.front(46);
    const nameLen = u16(fixed, 28);
    const extraLen = u16(fixed, 30);
    const commentLen = u16(fixed, 32);
    const c = await record(46 + nameLen + extraLen + commentLen);
    const e = seen[count++];
    if (!e) throw damaged('it lists more entries than the archive holds');
    let size = u32(c, 24);
    let compressedSize = u32(c, 20);
    let offset = u32(c, 42);
    const wanted = [size, compressedSize, offset].filter((v) => v === MAX32).length;
    if (wanted) {
      const v = zip64Values(c.subarray(46 + nameLen, 46 + nameLen + extraLen), wanted);
      if (!v) throw damaged('a ZIP64 field is missing');
      if (size === MAX32) size = v.shift()!;
      if (compressedSize === MAX32) compressedSize = v.shift()!;
      if (offset === MAX32) offset = v.shift()!;
    }
    const name = c.subarray(46, 46 + nameLen);
    if (!Buffer.from(name).equals(Buffer.from(e.name)) || offset !== e.offset || u16(c, 10) !== e.method) {
      throw damaged(`entry ${count} does not match the entry at its place`);
    }
    if (u32(c, 16) !== e.crc || compressedSize !== e.compressedSize || size !== e.size) {
      throw damaged(`the CRC or sizes of ${decoder.decode(e.name)} differ from its local header`);
    }
  }
  if (count !== seen.length) throw damaged(`it lists ${count} of the ${seen.length} entries`);
  const size = q.consumed - start;
  for (;;) {
    const sig = await peek();
    if (sig === DIGITAL_SIGNATURE) {
      const h = await record(6);
      await record(u16(h, 4));
    } else if (sig === END64) {
      const h = await record(12);
      const len = u64(h, 4);
      if (len > 1 << 20) throw damaged('a ZIP64 end record is too long');
      await record(len);
    } else if (sig === LOCATOR64) {
      await record(20);
    } else if (sig === END) {
      const h = await record(22);
      const total = u16(h, 10);
      if ((total !== 0xffff && total !== count) || (u32(h, 12) !== MAX32 && u32(h, 12) !== size) || (u32(h, 16) !== MAX32 && u32(h, 16) !== start)) {
        throw damaged('its end record does not match it');
      }
      await record(u16(h, 20)); // the archive comment
      return;
    } else throw damaged('an unknown record');
  }
}
