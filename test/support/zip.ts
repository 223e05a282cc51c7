// A minimal ZIP reader and writer (stored and deflated entries, no ZIP64) for tests that take XLSX
// workbooks apart, change the XML inside and put them back together, valid or deliberately broken.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as ZIP uses it. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** The entries of a ZIP archive, read through its central directory. Throws on anything it cannot read. */
export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const localName = zip.readUInt16LE(local + 26);
    const localExtra = zip.readUInt16LE(local + 28);
    const start = local + 30 + localName + localExtra;
    const raw = zip.subarray(start, start + size);
    out.push({ name, data: method === 0 ? Buffer.from(raw) : inflateRawSync(raw) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

export interface WriteZipOptions {
  /** 0 stores, 8 deflates (default). */
  readonly method?: 0 | 8;
  /** Write a wrong CRC for every entry (a damaged archive). */
  readonly badCrc?: boolean;
}

/** A ZIP archive of `entries` (local headers, data, central directory, end record). */
export function writeZip(entries: readonly ZipEntry[], opts: WriteZipOptions = {}): Buffer {
  const method = opts.method ?? 8;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const crc = (crc32(e.data) ^ (opts.badCrc ? 0x5a5a5a5a : 0)) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // UTF-8 names
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = centralHeader(0x0800, method, crc, body.length, e.data.length, name.length, offset);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += lh.length + name.length + body.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, central, end]);
}

export interface StreamedZipOptions {
  /** 0 stores, 8 deflates (default). */
  readonly method?: 0 | 8;
  /** zlib's deflate level; 0 makes stored deflate blocks, whose bytes stand in the archive as they are. */
  readonly level?: number;
  /**
   * How each entry's data descriptor is written after its data, as streaming writers do: with its
   * signature (default), without it (allowed by the format), or with ZIP64 sizes (and a ZIP64
   * extra field in the local header, as the format requires for those).
   */
  readonly descriptor?: 'signed' | 'unsigned' | 'zip64';
}

/**
 * A ZIP archive whose local headers carry no CRC or sizes (general purpose flag bit 3): each
 * entry's data is followed by a data descriptor, as exceljs's streaming writer and other streaming
 * writers make them. The central directory has the real values.
 */
export function writeStreamedZip(entries: readonly ZipEntry[], opts: StreamedZipOptions = {}): Buffer {
  const method = opts.method ?? 8;
  const kind = opts.descriptor ?? 'signed';
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = method === 8 ? deflateRawSync(e.data, { level: opts.level ?? -1 }) : e.data;
    const crc = crc32(e.data);
    const extra = kind === 'zip64' ? Buffer.alloc(20) : Buffer.alloc(0);
    if (kind === 'zip64') {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2); // sizes unknown here: zeros, the descriptor has them
    }
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(kind === 'zip64' ? 45 : 20, 4);
    lh.writeUInt16LE(0x0808, 6); // UTF-8 names, data descriptor
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(extra.length, 28);
    let dd: Buffer;
    if (kind === 'zip64') {
      dd = Buffer.alloc(24);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      dd.writeBigUInt64LE(BigInt(body.length), 8);
      dd.writeBigUInt64LE(BigInt(e.data.length), 16);
    } else {
      const signed = kind === 'signed';
      dd = Buffer.alloc(signed ? 16 : 12);
      if (signed) dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, signed ? 4 : 0);
      dd.writeUInt32LE(body.length, signed ? 8 : 4);
      dd.writeUInt32LE(e.data.length, signed ? 12 : 8);
    }
    const ch = centralHeader(0x0808, method, crc, body.length, e.data.length, name.length, offset);
    parts.push(lh, name, extra, body, dd);
    centrals.push(ch, name);
    offset += lh.length + name.length + extra.length + body.length + dd.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, central, end]);
}

/** A central directory file header (46 bytes; no extra field or comment). */
function centralHeader(flags: number, method: number, crc: number, compressed: number, size: number, nameLength: number, offset: number): Buffer {
  const ch = Buffer.alloc(46);
  ch.writeUInt32LE(0x02014b50, 0);
  ch.writeUInt16LE(20, 4);
  ch.writeUInt16LE(20, 6);
  ch.writeUInt16LE(flags, 8);
  ch.writeUInt16LE(method, 10);
  ch.writeUInt32LE(crc, 16);
  ch.writeUInt32LE(compressed, 20);
  ch.writeUInt32LE(size, 24);
  ch.writeUInt16LE(nameLength, 28);
  ch.writeUInt32LE(offset, 42);
  return ch;
}
