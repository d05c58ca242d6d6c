import { CsvError, parse } from 'csv-parse/sync';

/** One parsed CSV record with the 1-based line it started on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvParseResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/** The separator of a spreadsheet's export: `;` where the first line has it and no comma (Excel in ES/FR locales), else `,`. */
function delimiterOf(text: string): ',' | ';' {
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  return firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
}

const newlines = (field: string) => field.match(/\r\n|\n|\r/g)?.length ?? 0;

/**
 * CSV as spreadsheets export it, parsed by csv-parse: `,` or `;` (the first line decides),
 * double-quoted fields holding separators, quotes ("") and newlines, any line ending, a
 * leading UTF-8 byte-order mark. Blank lines are skipped. Each record keeps the line it starts
 * on, so problems are reported where the organiser will look for them.
 */
export function parseCsv(text: string): CsvParseResult {
  let lastLine = 0;
  try {
    const rows = parse(text, {
      bom: true,
      delimiter: delimiterOf(text.startsWith('\uFEFF') ? text.slice(1) : text),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      on_record: (record: string[], context: { lines: number }) => {
        lastLine = context.lines;
        return record;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return {
      ok: true,
      // csv-parse counts the line a record ends on; a quoted field may span several.
      records: rows.map(({ record, info }) => ({ line: info.lines - record.reduce((n, field) => n + newlines(field), 0), fields: record })),
    };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') return { ok: false, line: lastLine + 1, message: 'a quoted field is not closed' };
    const line = (err as CsvError & { lines?: number }).lines ?? lastLine + 1;
    if (err.code === 'INVALID_OPENING_QUOTE') return { ok: false, line, message: 'a quote may only start a field' };
    if (err.code === 'CSV_INVALID_CLOSING_QUOTE') return { ok: false, line, message: 'a closing quote must end its field' };
    return { ok: false, line, message: 'this line is not valid CSV' };
  }
}
