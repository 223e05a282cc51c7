// Date formats and date serials: which number formats show a day, and which day a serial is in
// either date system (as exceljs converted them, so imports read the same days as before).
import { describe, expect, it } from 'vitest';
import { excelDay, isDateFormat, StylesHandler } from '../../../../src/services/reporting/xlsx/styles.js';
import { XmlScanner } from '../../../../src/services/reporting/xlsx/xml.js';
import { stylesXml } from './workbooks.js';

describe('isDateFormat', () => {
  it('sees d, m and y outside quotes, brackets and escapes', () => {
    for (const code of ['yyyy-mm-dd', 'dd/mm/yy', 'd-mmm', 'mmm yyyy', '[$-409]d-mmm-yy;@', 'yyyy"\u5e74"m"\u6708"d"\u65e5"', 'DD.MM.YYYY', '[h]:mm:ss', 'm/d/yy h:mm']) {
      expect(isDateFormat(code), code).toBe(true);
    }
    for (const code of ['General', '0.00', '#,##0', '0.00 "days"', '#,##0.00 [$USD]', '[Red]0.00', '\\d0', '0.0E+00', '@', '_(* #,##0_)', '* 0']) {
      expect(isDateFormat(code), code).toBe(false);
    }
  });
});

describe('excelDay', () => {
  it('converts serials of both date systems to the UTC day, as exceljs did', () => {
    expect(excelDay(46027, false)).toBe('2026-01-05');
    expect(excelDay(46027.999, false)).toBe('2026-01-05');
    expect(excelDay(44565, true)).toBe('2026-01-05');
    expect(excelDay(0, true)).toBe('1904-01-01');
    expect(excelDay(25569, false)).toBe('1970-01-01');
    expect(excelDay(1e12, false)).toBe('Invalid Date');
  });
});

describe('StylesHandler', () => {
  it('tells date styles by the cell formats, custom formats first, ignoring formats of other lists', () => {
    const h = new StylesHandler();
    const x = new XmlScanner(h, 'xl/styles.xml');
    x.push(stylesXml([[164, 'dd.mm.yyyy'], [165, '0.000'], [20, '0']], [0, 14, 164, 165, 20, 21, 45, 3]));
    x.end();
    expect(h.dates).toEqual([false, true, true, false, false, true, true, false]);
  });
});
