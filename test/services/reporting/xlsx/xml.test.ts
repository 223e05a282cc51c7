// The XML scanner of the XLSX reader: the same events however the text is split, entities and
// CDATA decoded, prefixes dropped, and malformed XML (or a DTD) refused with XlsxError.
import { describe, expect, it } from 'vitest';
import { XlsxError } from '../../../../src/services/reporting/xlsx/error.js';
import { XmlScanner, xmlText, type Attrs, type XmlHandler } from '../../../../src/services/reporting/xlsx/xml.js';

/** Records every event as a line: `<name a=v>`, `</name>`, or the decoded text of each element. */
class Recorder implements XmlHandler {
  readonly wantText = true;
  readonly events: string[] = [];
  private text_ = '';
  open(name: string, attrs: Attrs): void {
    this.flush();
    const a: string[] = [];
    for (let i = 0; i < attrs.length; i += 2) a.push(` ${attrs.pairs[i]}=${JSON.stringify(attrs.pairs[i + 1])}`);
    this.events.push(`<${name}${a.join('')}>`);
  }
  close(name: string): void {
    this.flush();
    this.events.push(`</${name}>`);
  }
  text(raw: string): void {
    this.text_ += raw;
  }
  private flush(): void {
    if (this.text_) this.events.push(JSON.stringify(xmlText(this.text_, 'test')));
    this.text_ = '';
  }
}

function scan(chunks: readonly string[]): string[] {
  const r = new Recorder();
  const x = new XmlScanner(r, 'part.xml');
  for (const c of chunks) x.push(c);
  x.end();
  return r.events;
}

function refusal(xml: string): string {
  try {
    scan([xml]);
  } catch (e) {
    expect(e).toBeInstanceOf(XlsxError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(xml)} to be refused`);
}

const doc =
  '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- a comment with <tags> -->\n' +
  '<x:worksheet xmlns:x="urn:main" xmlns="urn:other" xmlns:r="urn:r">\n  <x:row r="1" spans = \'1:2\' >' +
  '<x:c r="A1" t="inlineStr"><x:is><x:t xml:space="preserve"> a &amp; b &lt;c&gt; &#x4E2D;&#22269; &quot;q&apos; </x:t></x:is></x:c>' +
  '<c r:id="rId&amp;1"><v><![CDATA[<raw> & text]]></v></c><empty/><?pi inside?></x:row>\r\n</x:worksheet>\n';

describe('XmlScanner', () => {
  const whole = [
    '<worksheet>',
    '"\\n  "',
    '<row r="1" spans="1:2">',
    '<c r="A1" t="inlineStr">',
    '<is>',
    '<t space="preserve">',
    '" a & b <c> \u4e2d\u56fd \\"q\' "',
    '</t>',
    '</is>',
    '</c>',
    '<c id="rId&1">',
    '<v>',
    '"<raw> & text"',
    '</v>',
    '</c>',
    '<empty>',
    '</empty>',
    '</row>',
    '"\\n"',
    '</worksheet>',
  ];

  it('reports tags without prefixes, attributes decoded (namespace declarations left out) and text decoded', () => {
    expect(scan([doc.replace('\ufeff', '')])).toEqual(whole);
  });

  it('gives the same events wherever the text is split', () => {
    const text = doc.replace('\ufeff', '');
    for (let cut = 1; cut < text.length; cut++) expect(scan([text.slice(0, cut), text.slice(cut)]), `split at ${cut}`).toEqual(whole);
    expect(scan([...text])).toEqual(whole);
  });

  it('normalises line ends in text and refuses characters XML does not allow', () => {
    expect(xmlText('a\r\nb\rc&#13;', 'p')).toBe('a\nb\nc\r');
    expect(() => xmlText('a\u0001b', 'p')).toThrow(XlsxError);
    expect(() => xmlText('&#0;', 'p')).toThrow('a character that XML does not allow');
    expect(() => xmlText('&#xD800;', 'p')).toThrow('bad entity');
    expect(() => xmlText('&nbsp;', 'p')).toThrow('bad entity');
    expect(() => xmlText('a & b', 'p')).toThrow('bad entity');
    expect(xmlText('&#x1F600;&#65;', 'p')).toBe('\u{1F600}A');
  });

  it('refuses malformed XML, naming the part', () => {
    for (const [xml, what] of [
      ['<a><b></a></b>', '</a> where </b> was due'],
      ['<a></a></b>', 'after the root|closes nothing'],
      ['<a><b></b>', 'ends before </a>'],
      ['<a', 'ends inside a tag'],
      ['', 'no root element'],
      ['text<a/>', 'text outside the root'],
      ['<a/>text', 'text outside the root'],
      ['<a/><b/>', 'after the root element'],
      ['<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;</a>', 'DTD'],
      ['<a b=c/>', 'not quoted'],
      ['<a b/>', 'has no value'],
      ['<a b="1"c="2"/>', 'no space before an attribute'],
      ['<a b="<"/>', 'a "<" in attribute'],
      ['<a>< b</a>', 'starts no tag'],
      ['<a><<b/></a>', 'starts no tag'],
      ['<a / >', 'a "/" inside'],
    ] as const) {
      const message = refusal(xml);
      expect(message, xml).toContain('part.xml is not well-formed XML');
      expect(message, xml).toMatch(new RegExp(what.replace(/[/<>"[\]]/g, (c) => `\\${c}`)));
    }
  });
});
