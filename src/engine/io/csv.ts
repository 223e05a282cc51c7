// Lines of CSV text -> arrays of fields (RFC 4180 quoting on one line), streamed chunk by chunk.
import type { ChunkSource } from '../matrix-market.js';

/**
 * Yields `{ line, fields }` for every non-blank line of a CSV stream (1-based line numbers, BOM and CR stripped).
 * A field may be quoted ("a,b" or "say ""x"""); a quote left open at the end of its line yields `fields: null`.
 * Example: `for await (const { line, fields } of csvRows(createReadStream('A.csv'))) ...`
 */
export async function* csvRows(source: ChunkSource): AsyncGenerator<{ line: number; fields: string[] | null }> {
  const dec = new TextDecoder('utf-8');
  let carry = '';
  let line = 0;
  let first = true;
  for await (const raw of source as AsyncIterable<Uint8Array | string>) {
    let text = carry + (typeof raw === 'string' ? raw : dec.decode(raw, { stream: true }));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let p = 0;
    for (;;) {
      const q = text.indexOf('\n', p);
      if (q < 0) break;
      line++;
      const fields = splitLine(text, p, q);
      if (fields !== undefined) yield { line, fields };
      p = q + 1;
    }
    carry = text.slice(p);
  }
  carry += dec.decode();
  if (carry.length > 0) {
    line++;
    const fields = splitLine(carry, 0, carry.length);
    if (fields !== undefined) yield { line, fields };
  }
}

// undefined for a blank line, null for an unterminated quote.
function splitLine(text: string, s: number, e: number): string[] | null | undefined {
  if (e > s && text.charCodeAt(e - 1) === 13) e--;
  if (e === s) return undefined;
  if (text.indexOf('"', s) < 0 || text.indexOf('"', s) >= e) {
    const body = text.slice(s, e);
    if (body.trim() === '') return undefined;
    return body.split(',');
  }
  const out: string[] = [];
  let p = s;
  for (;;) {
    if (text.charCodeAt(p) === 34) {
      let v = '';
      p++;
      for (;;) {
        const q = text.indexOf('"', p);
        if (q < 0 || q >= e) return null;
        v += text.slice(p, q);
        if (q + 1 < e && text.charCodeAt(q + 1) === 34) {
          v += '"';
          p = q + 2;
        } else {
          p = q + 1;
          break;
        }
      }
      out.push(v);
      if (p >= e) return out;
      if (text.charCodeAt(p) !== 44) return null;
      p++;
    } else {
      let q = text.indexOf(',', p);
      if (q < 0 || q > e) q = e;
      out.push(text.slice(p, q));
      if (q >= e) return out;
      p = q + 1;
    }
  }
}
