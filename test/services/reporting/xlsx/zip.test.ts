// The ZIP layer of the XLSX reader: entries in archive order as bytes arrive, in any chunking; data
// descriptors found by the checked scan even when the data holds their signature; the central
// directory checked; damage and truncation refused with XlsxError.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { XlsxError } from '../../../../src/services/reporting/xlsx/error.js';
import { entryBytes } from '../../../../src/services/reporting/xlsx/inflate.js';
import { zipEntries } from '../../../../src/services/reporting/xlsx/zip.js';
import { writeStreamedZip, writeZip, type ZipEntry } from '../../../support/zip.js';
import { chunked } from './workbooks.js';

/** Each entry's name and plain bytes, read through zipEntries and entryBytes; `skip` names entries left unread. */
async function unzip(input: AsyncIterable<Uint8Array>, skip: readonly string[] = []): Promise<ZipEntry[]> {
  const out: ZipEntry[] = [];
  for await (const e of zipEntries(input)) {
    if (skip.includes(e.name)) continue;
    const parts: Uint8Array[] = [];
    for await (const b of entryBytes(e, e.raw(), 1 << 30)) parts.push(b);
    out.push({ name: e.name, data: Buffer.concat(parts) });
  }
  return out;
}

async function failure(input: AsyncIterable<Uint8Array>): Promise<XlsxError> {
  try {
    await unzip(input);
  } catch (e) {
    expect(e).toBeInstanceOf(XlsxError);
    return e as XlsxError;
  }
  throw new Error('expected the archive to be refused');
}

/** Random chunk sizes from 1 to 300 bytes, the same for a given seed. */
function randomChunks(buf: Buffer, seed: number): Readable {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), 1 + (x % 300));
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; ) {
        const n = next();
        yield buf.subarray(i, i + n);
        i += n;
      }
    })(),
  );
}

const entries: ZipEntry[] = [
  { name: 'a.txt', data: Buffer.from('hello') },
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'dir/b.xml', data: Buffer.from('<x>'.repeat(5000) + 'Ch\u014fllima') },
  // Signatures of every record a bare search would stop at: a descriptor, a local header, the central directory.
  { name: 'tricky.bin', data: Buffer.concat([Buffer.from('PK\x07\x08\x09\x00\x00\x00\x05\x00\x00\x00PK\x03\x04PK\x01\x02PK\x05\x06', 'latin1'), Buffer.alloc(70_000, 7)]) },
];

describe('zipEntries', () => {
  const flavours: [string, Buffer][] = [
    ['sizes in the local headers, deflated', writeZip(entries)],
    ['sizes in the local headers, stored', writeZip(entries, { method: 0 })],
    ['data descriptors with signature, deflated', writeStreamedZip(entries)],
    ['data descriptors with signature, stored', writeStreamedZip(entries, { method: 0 })],
    ['data descriptors without signature, stored', writeStreamedZip(entries, { method: 0, descriptor: 'unsigned' })],
    ['data descriptors without signature, deflated', writeStreamedZip(entries, { descriptor: 'unsigned' })],
    ['ZIP64 data descriptors, stored', writeStreamedZip(entries, { method: 0, descriptor: 'zip64' })],
    ['ZIP64 data descriptors, deflated', writeStreamedZip(entries, { descriptor: 'zip64' })],
  ];

  it.each(flavours)('reads every entry of an archive with %s, however the bytes are chunked', async (_, zip) => {
    expect(await unzip(chunked(zip, 1 << 20))).toEqual(entries);
    expect(await unzip(chunked(zip, 1))).toEqual(entries);
    for (const seed of [1, 2, 3]) expect(await unzip(randomChunks(zip, seed))).toEqual(entries);
  });

  it.each(flavours)('skips entries left unread (%s)', async (_, zip) => {
    expect(await unzip(chunked(zip, 1000), ['a.txt', 'tricky.bin'])).toEqual([entries[1], entries[2]]);
  });

  it('ends a stored entry at a descriptor whose size is the bytes seen, and refuses data that fakes one', async () => {
    const descriptor = (size: number) => {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(0x12345678, 4);
      d.writeUInt32LE(size, 8);
      return d;
    };
    const y = { name: 'y', data: Buffer.from('y') };
    // Stored data is not self-delimiting: a descriptor with the wrong size is data.
    const data = Buffer.concat([Buffer.from('0123456'), descriptor(8), Buffer.from('PK\x03\x04 more', 'latin1')]);
    expect(await unzip(chunked(writeStreamedZip([{ name: 'x', data }, y], { method: 0 }), 5))).toEqual([{ name: 'x', data }, y]);
    // Data that holds a descriptor with the right size and a header after it is ambiguous: the CRC
    // and the central directory refuse it, never give other bytes.
    const fake = Buffer.concat([Buffer.from('0123456'), descriptor(7), Buffer.from('PK\x03\x04 more', 'latin1')]);
    const e = await failure(chunked(writeStreamedZip([{ name: 'x', data: fake }, y], { method: 0 }), 5));
    expect(e.message).toMatch(/x is damaged|central directory|is encrypted|cut short/);
    await expect(
      (async () => {
        for await (const _ of zipEntries(chunked(writeStreamedZip([{ name: 'x', data: fake }, y], { method: 0 }), 5)));
      })(),
    ).rejects.toBeInstanceOf(XlsxError);
  });

  it('refuses what is not a ZIP archive, or is cut short anywhere', async () => {
    expect((await failure(chunked(Buffer.from('unit,product,date,quantity\n'), 10))).message).toBe('not a ZIP archive');
    expect((await failure(chunked(Buffer.alloc(0), 10))).message).toBe('not a ZIP archive');
    for (const zip of [writeZip(entries), writeStreamedZip(entries), writeStreamedZip(entries, { method: 0, descriptor: 'unsigned' })]) {
      for (let cut = 1; cut < zip.length; cut += 97) {
        const e = await failure(chunked(zip.subarray(0, cut), 4096));
        expect(e.message, `cut at ${cut}`).toMatch(/not a ZIP archive|cut short|damaged/);
      }
      const e = await failure(chunked(zip.subarray(0, zip.length - 1), 4096));
      expect(e.message).toContain('cut short');
    }
  });

  it('refuses a central directory that does not match the entries', async () => {
    const zip = writeZip(entries);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const crc = Buffer.from(zip);
    crc[central + 16] ^= 1; // the first entry's CRC in the central directory
    expect((await failure(chunked(crc, 100))).message).toContain('central directory is damaged');
    const count = Buffer.from(zip);
    count.writeUInt16LE(entries.length - 1, zip.length - 12); // the end record's entry count
    expect((await failure(chunked(count, 100))).message).toContain('central directory is damaged');
    const name = Buffer.from(zip);
    name[central + 46] ^= 0x20;
    expect((await failure(chunked(name, 100))).message).toContain('does not match');
  });

  it('checks the CRC-32 and size of what it inflates, and refuses bad deflate data', async () => {
    expect((await failure(chunked(writeZip(entries, { badCrc: true }), 100))).message).toContain('CRC-32');
    const zip = writeZip([{ name: 'x', data: Buffer.from('a'.repeat(1000) + 'b'.repeat(1000)) }]);
    const flipped = Buffer.from(zip);
    flipped[35] ^= 0xff; // inside the deflated data
    const e = await failure(chunked(flipped, 100));
    expect(e.message).toMatch(/damaged compressed data|CRC-32|bytes, its header says/);
  });

  it('refuses encrypted entries and compression methods other than stored and deflated', async () => {
    const enc = writeZip([{ name: 'secret.xml', data: Buffer.from('x') }]);
    enc.writeUInt16LE(enc.readUInt16LE(6) | 1, 6);
    expect((await failure(chunked(enc, 100))).message).toBe('secret.xml is encrypted');
    const bzip = writeZip([{ name: 'x.xml', data: Buffer.from('x') }], { method: 0 });
    bzip.writeUInt16LE(12, 8);
    expect((await failure(chunked(bzip, 100))).message).toContain('compression method 12');
  });

  it('refuses an entry that expands past the limit before inflating all of it', async () => {
    const bomb = writeZip([{ name: 'bomb.xml', data: Buffer.alloc(50 << 20) }]);
    expect(bomb.length).toBeLessThan(100_000);
    const read = async () => {
      for await (const e of zipEntries(chunked(bomb, 1 << 16))) for await (const _ of entryBytes(e, e.raw(), 1 << 20));
    };
    await expect(read()).rejects.toThrow('bomb.xml expands to more than 1048576 bytes');
  });

  it('passes an error of the input through unchanged', async () => {
    const zip = writeZip(entries);
    const broken = Readable.from(
      (async function* () {
        yield zip.subarray(0, 200);
        throw new Error('connection reset');
      })(),
    );
    await expect(unzip(broken)).rejects.toThrow('connection reset');
  });

  it('reads a deflated entry whose compressed bytes hold every signature a bare search would stop at', async () => {
    // Stored deflate blocks (level 0) carry their bytes as they are, so the signatures stand in the archive.
    const data = Buffer.concat([Buffer.from('<x>'), entries[3].data, Buffer.from('PK\x07\x08PK\x01\x02</x>', 'latin1')]);
    const zip = writeStreamedZip([{ name: 'sheet.xml', data }, { name: 'next.xml', data: Buffer.from('<x/>') }], { level: 0 });
    expect(zip.indexOf(Buffer.from('PK\x03\x04', 'latin1'), 40)).toBeLessThan(data.length);
    expect(await unzip(chunked(zip, 7))).toEqual([
      { name: 'sheet.xml', data },
      { name: 'next.xml', data: Buffer.from('<x/>') },
    ]);
  });
});
