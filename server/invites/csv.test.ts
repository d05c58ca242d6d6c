import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and newlines, and keeps line numbers', () => {
    const result = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n');
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['x, y', 'say "hi"'] },
        { line: 4, fields: ['multi\nline', 'z'] },
      ],
    });
  });

  it('keeps empty trailing fields and ignores a byte-order mark', () => {
    expect(parseCsv('\uFEFFa,,\n')).toEqual({ ok: true, records: [{ line: 1, fields: ['a', '', ''] }] });
  });

  it('reports an unclosed quote with the line it started on', () => {
    expect(parseCsv('a,b\n"open,c\nd')).toEqual({ ok: false, line: 2, message: 'a quoted field is not closed' });
  });

  it('reads a semicolon export (Excel in Spanish or French) with its byte-order mark, and keeps commas inside fields', () => {
    expect(parseCsv('\uFEFFcorreo;nombre;rol\r\nana@example.org;Ana, de Lima;miembro\r\n"bo@example.org";"Bo; Quito";host\r\n')).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['correo', 'nombre', 'rol'] },
        { line: 2, fields: ['ana@example.org', 'Ana, de Lima', 'miembro'] },
        { line: 3, fields: ['bo@example.org', 'Bo; Quito', 'host'] },
      ],
    });
  });

  it('reports a stray quote by its line', () => {
    expect(parseCsv('a,b\nx"y,c\n')).toEqual({ ok: false, line: 2, message: 'a quote may only start a field' });
  });
});
