/**
 * The anchored RegExp of a LIKE pattern with an escape character: `%` any run, `_` one code point,
 * the escape before `%`, `_` or itself makes that character literal. Throws a SyntaxError for an
 * escape before anything else or at the end (Flink: "Invalid escape sequence").
 */
export function likeEscapeRegex(pattern: string, escape: string): RegExp {
  if (Array.from(escape).length !== 1) throw new SyntaxError(`the LIKE escape must be one character, got '${escape}'`);
  let src = '';
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    if (ch === escape) {
      const next = cps[i + 1];
      if (next !== '%' && next !== '_' && next !== escape) throw new SyntaxError(`invalid escape sequence in LIKE pattern '${pattern}'`);
      src += next.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
      i++;
    } else if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'su');
}
