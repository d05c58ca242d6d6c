import { describe, expect, it } from 'vitest';
import { LIVE_FORMULA_CELL, readAsSpreadsheet } from '../test/spreadsheet.js';
import { toCsv } from './csv.js';

const HOSTILE = [
  "x;=cmd|' /C calc'!A0;",
  "x,=cmd|' /C calc'!A0,",
  '=HYPERLINK("http://evil","click")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1+1',
  '\r=1+1',
  '  =1+1',
  '＝1+1',
  'a;"b";=c',
];

describe('toCsv', () => {
  it.each([',', ';'] as const)('leaves no live formula cell when a spreadsheet splits on "%s"', (delimiter) => {
    const csv = toCsv(['id', 'name'], HOSTILE.map((name, i) => [i, name]));
    const rows = readAsSpreadsheet(csv, delimiter);
    // Every field is quoted, so each record is still one row of two cells, whatever the delimiter.
    expect(rows).toHaveLength(HOSTILE.length + 1);
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(delimiter === ',' ? 2 : 1);
      for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(LIVE_FORMULA_CELL);
    }
  });

  it('keeps the hostile name whole in one cell, prefixed with an apostrophe', () => {
    const csv = toCsv(['name'], [["x;=cmd|' /C calc'!A0;"], ['=1+1'], ['Amina']]);
    expect(readAsSpreadsheet(csv, ';').map((row) => row[0])).toEqual(['name', "x;=cmd|' /C calc'!A0;", "'=1+1", 'Amina']);
  });

  it('quotes every field, doubles quotes, leaves numbers unprefixed, and ends lines with CRLF', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [['say "hi"', -5, null, 'line\nbreak']])).toBe('"a","b","c","d"\r\n"say ""hi""","-5","","line\nbreak"\r\n');
  });
});
