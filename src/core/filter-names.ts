/**
 * PowerShell-style wildcards (`*`, `?`, `[a-z]`), case-insensitive, as dbatools' -Name / -ExcludeName.
 * A pattern without wildcards must match a name exactly (case aside). Patterns and names are compared in Unicode
 * normalisation form C: `'Su' + [char]0x308 + 'd'` typed in a console matches the application `Süd`.
 */
export function wildcardToRegExp(wildcard: string): RegExp {
  const pattern = normalizeName(wildcard);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '`' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] ?? '');
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close > i + 1) {
        source += `[${pattern.slice(i + 1, close).replace(/\\/g, '\\\\')}]`;
        i = close;
      } else source += '\\[';
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'iu');
}

/** One normalisation form (NFC) for every name compared: decomposed and precomposed spellings are the same name. */
export function normalizeName(name: string): string {
  return name.normalize('NFC');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Keeps the names matched by any include pattern (all when none) and by no exclude pattern. */
export function filterNames<T>(items: readonly T[], nameOf: (item: T) => string, include: readonly string[] = [], exclude: readonly string[] = []): T[] {
  const includes = include.map(wildcardToRegExp);
  const excludes = exclude.map(wildcardToRegExp);
  return items.filter((item) => {
    const name = normalizeName(nameOf(item));
    return (includes.length === 0 || includes.some((re) => re.test(name))) && !excludes.some((re) => re.test(name));
  });
}

/** Include patterns without wildcards that matched nothing: the user named an application that does not exist. */
export function unmatchedLiterals(names: readonly string[], include: readonly string[]): string[] {
  const key = (name: string): string => normalizeName(name).toLowerCase();
  return include.filter((pattern) => !hasWildcard(pattern) && !names.some((name) => key(name) === key(pattern)));
}
