/**
 * Reads CSV the way a spreadsheet does with a given delimiter: French and Spanish locales
 * split on `;`, English ones on `,`. Quotes open and close anywhere in a cell and `""` inside
 * quotes is one quote; text around quotes joins the same cell (what LibreOffice and Excel do
 * when the file's delimiter is not theirs). Tests use it to look for live formula cells.
 */
export function readAsSpreadsheet(text: string, delimiter: ',' | ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** What a spreadsheet would run: a cell starting with = + - @, a tab or a carriage return. */
export const LIVE_FORMULA_CELL = /^[=+\-@\t\r]/;
