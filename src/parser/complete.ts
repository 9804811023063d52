/** For the REPL: true when `text` holds a `;` outside strings, quoted identifiers and comments. */
export function isCompleteStatement(text: string): boolean {
  const segments = terminatedSegments(text);
  if (segments.length === 0) return false;
  // A statement set (EXECUTE STATEMENT SET BEGIN ...; ...; END;) is complete at its END.
  const first = segments[0]!.replace(/\s+/g, ' ').trim().toUpperCase();
  if (/^(EXECUTE STATEMENT SET BEGIN\b|BEGIN STATEMENT SET$)/.test(first)) return segments.some((s) => s.trim().toUpperCase() === 'END');
  return true;
}

/** The `;`-terminated pieces of `text`, outside quotes and comments (comments left out), without their `;`. */
function terminatedSegments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === ';') {
      out.push(current);
      current = '';
      i++;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      // A doubled quote is an escaped quote; scanning from one quote to the next handles it for free.
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return out;
      current += text.slice(i, close + 1);
      i = close + 1;
    } else if (ch === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return out;
      current += ' ';
      i = eol + 1;
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return out;
      current += ' ';
      i = close + 2;
    } else {
      current += ch;
      i++;
    }
  }
  return out;
}
