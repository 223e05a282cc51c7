const NEEDS_QUOTES = /[",\n\r]/;

/**
 * Encodes one row for COPY ... (FORMAT csv): null/undefined is SQL NULL, '' is an empty string.
 * @example csvRow([1, null, '', 'a,b']) // '1,,"","a,b"\n'
 */
export function csvRow(values: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) continue;
    const s = typeof v === 'string' ? v : Array.isArray(v) ? `{${v.join(',')}}` : String(v);
    out += s === '' || NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  }
  return out + '\n';
}
