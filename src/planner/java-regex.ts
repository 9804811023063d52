/**
 * Java regular expressions (Flink's REGEXP_EXTRACT / REGEXP_REPLACE) as JS RegExps. The common
 * syntax is the same; `\A` and `\z`/`\Z` become `^`/`$`, and possessive quantifiers and atomic
 * groups (no JS equivalent) are refused. The pattern is tried with the `u` flag first (so `.`
 * matches one code point), then without it, since Java accepts escapes such as `\-` that `u` rejects.
 */
export function javaRegex(pattern: string, flags = ''): RegExp {
  if (/(?<!\\)(?:[*+?}][+])|\(\?>/.test(pattern)) {
    throw new SyntaxError('possessive quantifiers and atomic groups are not supported');
  }
  const src = pattern.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    return new RegExp(src, flags + 'u');
  } catch {
    return new RegExp(src, flags);
  }
}

/** Number of capturing groups of a compiled pattern. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1;
}

/** Java's replacement string (`$1`, `\$` for a literal dollar) as a String.replace replacement. */
export function javaReplacement(s: string): string {
  return s.replace(/\\(.)|\$(\d+)|\$\{(\w+)\}|\$/g, (m, esc: string | undefined, n: string | undefined, name: string | undefined) =>
    esc !== undefined ? (esc === '$' ? '$$' : esc) : n !== undefined ? `$${n}` : name !== undefined ? `$<${name}>` : '$$',
  );
}
