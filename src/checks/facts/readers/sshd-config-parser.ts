/** One sshd_config directive as sshd reads it: keyword lowercased, arguments unquoted. */
export interface SshdDirective {
  keyword: string;
  args: string[];
  origin: string;
  /** The `Match …` line of the block this directive sits in (absent: global). */
  match?: string;
}

export type SshdLine =
  | { kind: 'directive'; keyword: string; args: string[]; line: number }
  | { kind: 'bad'; line: number; text: string };

/**
 * Splits sshd_config text into directives: `Keyword value…` or `Keyword=value`, arguments in double
 * quotes may hold spaces, and an argument starting with `#` starts a comment (as sshd's argv_split).
 */
export function parseSshdConfig(text: string): SshdLine[] {
  const out: SshdLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const tokens = tokenize(raw);
    if (tokens === undefined) {
      out.push({ kind: 'bad', line: i + 1, text: raw });
      continue;
    }
    if (tokens.length === 0) continue;
    let [first, ...rest] = tokens as [string, ...string[]];
    const eq = first.indexOf('=');
    if (eq > 0) {
      rest = [first.slice(eq + 1), ...rest].filter((t) => t !== '');
      first = first.slice(0, eq);
    } else if (rest[0]?.startsWith('=')) {
      rest = [rest[0].slice(1), ...rest.slice(1)].filter((t) => t !== '');
    }
    out.push({ kind: 'directive', keyword: first.toLowerCase(), args: rest, line: i + 1 });
  }
  return out;
}

/** Whitespace-separated tokens; undefined on an unterminated quote. */
function tokenize(line: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    if (line[i] === '#') break;
    let token = '';
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) return undefined;
      token = line.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) token += line[i++];
    }
    tokens.push(token);
  }
  return tokens;
}

/** sshd time format (`90`, `1m30s`, `2h`): seconds, or undefined when it is not one. */
export function sshdSeconds(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)([smhdw])/giy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * (units[(m[2] as string).toLowerCase()] as number);
    consumed = re.lastIndex;
  }
  return consumed === value.length && consumed > 0 ? total : undefined;
}

/** `Ciphers +x`, `-x`, `^x` edit the default list; a plain list replaces it. */
export function applyListModifier(value: string, defaults: string): string {
  const base = defaults.split(',');
  const items = value.slice(1).split(',');
  switch (value[0]) {
    case '+':
      return [...base, ...items.filter((x) => !base.includes(x))].join(',');
    case '^':
      return [...items, ...base.filter((x) => !items.includes(x))].join(',');
    case '-':
      return base
        .filter(
          (x) =>
            !items.some((p) => new RegExp(`^${p.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')}$`).test(x)),
        )
        .join(',');
    default:
      return value;
  }
}
