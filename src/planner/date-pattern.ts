/**
 * Java SimpleDateFormat patterns (Flink's DATE_FORMAT, TO_TIMESTAMP): a pattern splits into
 * fields (a run of one letter: `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`, `SSS` ...) and literal text
 * (anything not a letter, or letters inside single quotes; `''` is a quote).
 */
export type PatternPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'field'; readonly letter: FieldLetter; readonly width: number };

/** y year, M month, d day of month, H hour 0-23, h hour 1-12, k hour 1-24, m minute, s second, S millisecond, D day of year, E day name, a AM/PM. */
export type FieldLetter = 'y' | 'M' | 'd' | 'H' | 'h' | 'k' | 'm' | 's' | 'S' | 'D' | 'E' | 'a';
const LETTERS = new Set<string>(['y', 'M', 'd', 'H', 'h', 'k', 'm', 's', 'S', 'D', 'E', 'a']);

/** Splits a pattern; throws a SyntaxError naming an unsupported letter or an unclosed quote. */
export function parseDatePattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = (): void => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError(`unclosed quote in date format '${pattern}'`);
      text += pattern.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new SyntaxError(`unsupported letter '${c}' in date format '${pattern}'`);
      let j = i;
      while (pattern[j] === c) j++;
      flush();
      parts.push({ kind: 'field', letter: c as FieldLetter, width: j - i });
      i = j;
      continue;
    }
    text += c;
    i++;
  }
  flush();
  return parts;
}
