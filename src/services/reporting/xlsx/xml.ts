// A streaming XML scanner for workbook parts, hand-written because saxes 6 took 5.6 s of CPU to walk a
// 232 MB worksheet that this walks in 2.5 s; malformed XML and DTDs (entity bombs) are refused.
import { XlsxError } from './error.js';

/** Receives a part's elements. */
export interface XmlHandler {
  /** Whether text in the current element is wanted; looked at before each run of text. */
  readonly wantText: boolean;
  /** A start tag (an empty element gets `close` right after); `attrs` are valid during the call only. */
  open(name: string, attrs: Attrs): void;
  close(name: string): void;
  /** Text as written, entities not yet decoded (see xmlText); CDATA comes escaped like text. */
  text(raw: string): void;
}

/** A start tag's attributes (names without prefix, values decoded), one object reused from tag to tag. */
export class Attrs {
  /** Name, value, name, value... : the first `length` entries are this tag's. */
  readonly pairs: string[] = [];
  length = 0;

  /**
   * The value of attribute `name`, if the tag has it.
   * @example attrs.get('r') // 'A1'
   */
  get(name: string): string | undefined {
    for (let i = 0; i < this.length; i += 2) if (this.pairs[i] === name) return this.pairs[i + 1];
    return undefined;
  }
}

/** One-character names ('c', 'v', 'r', 't', 's') without a new string each time. */
const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const cut = (s: string, a: number, b: number) => (b === a + 1 && s.charCodeAt(a) < 128 ? ASCII[s.charCodeAt(a)] : s.slice(a, b));

/** Longest tag a part may hold (a tag with all its attributes). */
const MAX_TAG = 1 << 20;
/** Longest text of one cell or shared string, as written (Excel's own limit is 32,767 characters). */
export const MAX_TEXT = 1 << 20;
// Characters XML 1.0 does not allow (raw or as a reference); lone surrogates cannot come from the decoder.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

function entity(name: string): string | undefined {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  const hex = name.startsWith('#x');
  const digits = name.slice(hex ? 2 : 1);
  if (name[0] !== '#' || !(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const cp = parseInt(digits, hex ? 16 : 10);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return String.fromCodePoint(cp);
}

/**
 * Text or an attribute value as written in `part`, decoded: line ends normalised to LF, the five
 * named entities and character references replaced. A bad reference or a character XML does not
 * allow throws XlsxError.
 * @example xmlText('a &amp; b&#x21;', 'xl/sharedStrings.xml') // 'a & b!'
 */
export function xmlText(raw: string, part: string): string {
  let s = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (s.includes('&')) {
    let out = '';
    let from = 0;
    for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', from)) {
      const semi = s.indexOf(';', amp);
      const ch = semi < 0 || semi - amp > 12 ? undefined : entity(s.slice(amp + 1, semi));
      if (ch === undefined) throw new XlsxError(`${part} has a bad entity or character reference near ${JSON.stringify(s.slice(amp, amp + 12))}`);
      out += s.slice(from, amp) + ch;
      from = semi + 1;
    }
    s = out + s.slice(from);
  }
  if (FORBIDDEN.test(s)) throw new XlsxError(`${part} holds a character that XML does not allow`);
  return s;
}

/**
 * Scans one XML part pushed as text chunks (split anywhere) and calls the handler for each tag and
 * run of text. Malformed XML throws XlsxError naming the part.
 * @example const x = new XmlScanner(handler, 'xl/workbook.xml'); for (const s of chunks) x.push(s); x.end();
 */
export class XmlScanner {
  private carry = '';
  /** Open elements: qualified names (to match end tags) and local names (for the handler). */
  private readonly stack: string[] = [];
  private readonly locals: string[] = [];
  private readonly attrs = new Attrs();
  private rootDone = false;

  constructor(
    private readonly h: XmlHandler,
    private readonly part: string,
  ) {}

  private fail(what: string): XlsxError {
    return new XlsxError(`${this.part} is not well-formed XML: ${what}`);
  }

  push(chunk: string): void {
    const s = this.carry ? this.carry + chunk : chunk;
    this.carry = '';
    const n = s.length;
    let i = 0;
    while (i < n) {
      // Tags mostly follow each other: look before asking indexOf.
      const lt = s.charCodeAt(i) === 60 ? i : s.indexOf('<', i);
      if (lt < 0) {
        this.chars(s, i, n);
        return;
      }
      if (lt > i) this.chars(s, i, lt);
      const end = this.markup(s, lt);
      if (end < 0) {
        if (n - lt > MAX_TAG) throw this.fail('a tag longer than 1 MiB');
        this.carry = s.slice(lt);
        return;
      }
      i = end;
    }
  }

  /** Ends the part: everything opened must be closed. */
  end(): void {
    if (this.carry) throw this.fail('it ends inside a tag');
    if (this.stack.length) throw this.fail(`it ends before </${this.stack[this.stack.length - 1]}>`);
    if (!this.rootDone) throw this.fail('no root element');
  }

  private chars(s: string, a: number, b: number): void {
    if (this.stack.length) {
      if (this.h.wantText) this.h.text(s.slice(a, b));
      return;
    }
    for (let k = a; k < b; k++) if (!isSpace(s.charCodeAt(k))) throw this.fail('text outside the root element');
  }

  private closeTop(): void {
    this.stack.pop();
    this.h.close(this.locals.pop()!);
    if (!this.stack.length) this.rootDone = true;
  }

  /** Handles the markup at `lt`; returns where it ends, or -1 when it is not complete in `s`. */
  private markup(s: string, lt: number): number {
    const n = s.length;
    if (lt + 1 >= n) return -1;
    const c = s.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      // Matched in place against the open element: no name is cut out of the text.
      const top = this.stack[this.stack.length - 1];
      if (top !== undefined && s.startsWith(top, lt + 2)) {
        let e = lt + 2 + top.length;
        for (let w = s.charCodeAt(e); w === 32 || w === 10 || w === 9 || w === 13; w = s.charCodeAt(++e));
        if (e < n && s.charCodeAt(e) === 62) {
          this.closeTop();
          return e + 1;
        }
      }
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0) return -1;
      const qn = s.slice(lt + 2, gt).trimEnd();
      throw this.fail(top === undefined ? `</${qn}> closes nothing` : `</${qn}> where </${top}> was due`);
    }
    if (c === 63 /* ? */) {
      const e = s.indexOf('?>', lt + 2);
      return e < 0 ? -1 : e + 2;
    }
    if (c === 33 /* ! */) {
      if (s.startsWith('--', lt + 2)) {
        const e = s.indexOf('-->', lt + 4);
        return e < 0 ? -1 : e + 3;
      }
      if (s.startsWith('[CDATA[', lt + 2)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e < 0) return -1;
        if (!this.stack.length) throw this.fail('CDATA outside the root element');
        if (this.h.wantText) this.h.text(s.slice(lt + 9, e).replaceAll('&', '&amp;'));
        return e + 3;
      }
      if (n - lt < 9) return -1;
      throw this.fail('a DTD or other declaration (OOXML allows none)');
    }
    let p = lt + 1;
    let colon = -1;
    for (; p < n; p++) {
      const ch = s.charCodeAt(p);
      if (ch === 58) colon = p;
      else if (ch <= 32 || ch === 62 || ch === 47 || ch === 60 || ch === 34 || ch === 39 || ch === 61) break;
    }
    if (p >= n) return -1;
    const qn = p === lt + 2 && c < 128 ? ASCII[c] : s.slice(lt + 1, p);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c > 127)) {
      throw this.fail(`a "<" that starts no tag (${JSON.stringify(s.slice(lt, lt + 10))})`);
    }
    const name = colon < 0 ? qn : cut(s, colon + 1, p);
    const attrs = this.attrs;
    const pairs = attrs.pairs;
    let used = 0;
    let empty = false;
    for (;;) {
      const gap = p;
      let ch = s.charCodeAt(p);
      while (ch === 32 || ch === 10 || ch === 9 || ch === 13) ch = s.charCodeAt(++p);
      if (p >= n) return -1;
      if (ch === 62 /* > */) {
        p++;
        break;
      }
      if (ch === 47 /* / */) {
        if (p + 1 >= n) return -1;
        if (s.charCodeAt(p + 1) !== 62) throw this.fail(`a "/" inside <${qn}>`);
        empty = true;
        p += 2;
        break;
      }
      if (p === gap) throw this.fail(`no space before an attribute of <${qn}>`);
      const ns = p;
      let acolon = -1;
      for (; p < n; p++) {
        const a = s.charCodeAt(p);
        if (a === 58) acolon = p;
        else if (a === 61 || a <= 32 || a === 62 || a === 47 || a === 60 || a === 34 || a === 39) break;
      }
      if (p >= n) return -1;
      if (p === ns) throw this.fail(`a stray character in <${qn}>`);
      const ne = p;
      for (let w = s.charCodeAt(p); w === 32 || w === 10 || w === 9 || w === 13; w = s.charCodeAt(++p));
      if (p >= n) return -1;
      if (s.charCodeAt(p) !== 61) throw this.fail(`attribute ${s.slice(ns, ne)} of <${qn}> has no value`);
      p++;
      for (let w = s.charCodeAt(p); w === 32 || w === 10 || w === 9 || w === 13; w = s.charCodeAt(++p));
      if (p >= n) return -1;
      const quote = s.charCodeAt(p);
      if (quote !== 34 && quote !== 39) throw this.fail(`attribute ${s.slice(ns, ne)} of <${qn}> is not quoted`);
      let q = p + 1;
      let amp = false;
      for (; q < n; q++) {
        const v = s.charCodeAt(q);
        if (v === quote) break;
        if (v === 60) throw this.fail(`a "<" in attribute ${s.slice(ns, ne)} of <${qn}>`);
        if (v === 38) amp = true;
      }
      if (q >= n) return -1;
      const vs = p + 1;
      p = q + 1;
      // Namespace declarations: names are matched without prefixes, so they are not passed on.
      if (s.charCodeAt(ns) === 120 && (ne === ns + 5 || acolon === ns + 5) && s.startsWith('xmlns', ns)) continue;
      pairs[used++] = acolon < 0 ? cut(s, ns, ne) : cut(s, acolon + 1, ne);
      pairs[used++] = amp ? xmlText(s.slice(vs, q), this.part) : s.slice(vs, q);
    }
    attrs.length = used;
    if (this.rootDone) throw this.fail(`<${qn}> after the root element`);
    if (empty) {
      this.h.open(name, attrs);
      this.h.close(name);
      if (!this.stack.length) this.rootDone = true;
    } else {
      this.stack.push(qn);
      this.locals.push(name);
      this.h.open(name, attrs);
    }
    return p;
  }
}
