/** For the REPL: true when `text` holds a `;` outside strings, quoted identifiers and comments. */
export function isCompleteStatement(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === ';') return true;
    if (ch === "'" || ch === '"' || ch === '`') {
      // A doubled quote is an escaped quote; scanning from one quote to the next handles it for free.
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return false;
      i = close + 1;
    } else if (ch === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return false;
      i = eol + 1;
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 2;
    } else {
      i++;
    }
  }
  return false;
}
