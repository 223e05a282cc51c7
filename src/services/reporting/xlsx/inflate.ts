// An entry's plain bytes, inflated by fflate (pure JS and synchronous: its errors come where it is
// called) and checked against the CRC-32 and size, so damaged data is a file error, never wrong values.
import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { XlsxError } from './error.js';
import type { ZipEntry } from './zip.js';

/** fflate's per-push overhead dominates below this (measured: 64 KiB pushes are 15 % slower). */
const PUSH_BYTES = 256 << 10;
/** About what one push may expand to. */
const OUT_BYTES = 2 << 20;

/**
 * The plain bytes of an entry from its stored bytes `raw` (its own `raw()`, or the chunks kept
 * from it). The entry's CRC and size are checked when `raw` ends; more than `maxSize` bytes, a
 * compression method other than stored or deflated, or bad deflate data throw XlsxError.
 * @example for await (const bytes of entryBytes(entry, entry.raw(), 1 << 20)) text += decoder.decode(bytes, { stream: true });
 */
export async function* entryBytes(
  entry: Pick<ZipEntry, 'name' | 'method' | 'crc' | 'size'>,
  raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxSize: number,
): AsyncGenerator<Uint8Array> {
  const { name, method } = entry;
  if (method !== 0 && method !== 8) throw new XlsxError(`${name} uses compression method ${method}, not stored or deflated`);
  let crc = 0;
  let size = 0;
  const out: Uint8Array[] = [];
  const take = (b: Uint8Array) => {
    size += b.length;
    if (size > maxSize) throw new XlsxError(`${name} expands to more than ${maxSize} bytes`);
    crc = crc32(b, crc);
    out.push(b);
  };
  if (method === 0) {
    for await (const b of raw) {
      take(b);
      yield* out.splice(0);
    }
  } else {
    const inflater = new Inflate((b) => take(b));
    // Input is pushed in slices sized so that each push gives about OUT_BYTES: well-compressed
    // XML (or a zip bomb) could otherwise expand one 256 KiB push into hundreds of megabytes.
    let slice = PUSH_BYTES;
    const push = function* (b: Uint8Array, final: boolean): Generator<Uint8Array> {
      let at = 0;
      do {
        const piece = b.subarray(at, at + slice);
        at += piece.length;
        const before = size;
        try {
          inflater.push(piece, final && at >= b.length);
        } catch (e) {
          if (e instanceof XlsxError) throw e;
          throw new XlsxError(`${name} holds damaged compressed data (${(e as Error)?.message ?? e})`);
        }
        if (piece.length) slice = Math.max(1024, Math.min(PUSH_BYTES, Math.floor((OUT_BYTES * piece.length) / Math.max(size - before, piece.length))));
        yield* out.splice(0);
      } while (at < b.length);
    };
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    for await (const chunk of raw) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < slice) continue;
      const b = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      yield* push(b, false);
    }
    yield* push(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes), true);
  }
  if (size !== entry.size) throw new XlsxError(`${name} is damaged: ${size} bytes, its header says ${entry.size}`);
  if (crc !== entry.crc) throw new XlsxError(`${name} is damaged: its CRC-32 does not match`);
}
