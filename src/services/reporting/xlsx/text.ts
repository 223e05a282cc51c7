// Part bytes as text (UTF-8, or UTF-16 with a BOM), each chunk cut at a character boundary and
// decoded whole: faster than a streaming TextDecoder (0.36 s against 0.6 s for 232 MB).
import { XlsxError } from './error.js';

function utf8Boundary(b: Uint8Array): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 4; i--) {
    const x = b[i];
    if ((x & 0xc0) === 0x80) continue; // a continuation byte: the character starts further back
    const len = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    return i + len > b.length ? i : b.length;
  }
  return b.length;
}

/**
 * The text of an XML part from its bytes, chunk by chunk, without a byte order mark.
 * @example for await (const s of partText(entryBytes(e, e.raw(), max), e.name)) scanner.push(s);
 */
export async function* partText(bytes: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<string> {
  const bad = () => new XlsxError(`${name} is not UTF-8 or UTF-16 text`);
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let utf16 = false;
  let carry: Uint8Array | undefined;
  for await (const chunk of bytes) {
    let b = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    if (!decoder) {
      if (b.length < 3) {
        carry = b;
        continue;
      }
      utf16 = (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
      decoder = new TextDecoder(utf16 ? (b[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8', { fatal: true, ignoreBOM: true });
      if (utf16) b = b.subarray(2);
      else if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    }
    try {
      if (utf16) {
        yield decoder.decode(b, { stream: true });
      } else {
        const end = utf8Boundary(b);
        if (end < b.length) carry = b.slice(end);
        if (end > 0) yield decoder.decode(b.subarray(0, end));
      }
    } catch (e) {
      if (e instanceof TypeError) throw bad();
      throw e;
    }
  }
  try {
    if (!decoder) {
      if (carry?.length) yield new TextDecoder('utf-8', { fatal: true }).decode(carry);
    } else if (utf16) yield decoder.decode();
    else if (carry) yield decoder.decode(carry);
  } catch (e) {
    if (e instanceof TypeError) throw bad();
    throw e;
  }
}
