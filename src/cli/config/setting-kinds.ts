import { parseDurationSeconds } from '../../core/duration.js';

/** What a setting holds once parsed, whichever source it came from. */
export type SettingValue = string | number | boolean | readonly string[];

export type Parsed<V> = { readonly value: V } | { readonly problem: string };

/**
 * How one type of setting is read: from text (a flag or an environment variable) and from a config
 * file's YAML value. Both say what is wrong in words; the caller adds where it came from.
 */
export interface SettingKind<V extends SettingValue> {
  /** As the README table and error messages name it. */
  readonly name: string;
  fromText(text: string): Parsed<V>;
  fromFile(value: unknown): Parsed<V>;
}

const ok = <V>(value: V): Parsed<V> => ({ value });
const problem = (text: string): Parsed<never> => ({ problem: text });

/** A file value of the wrong YAML type: the message names both, so the fix is obvious. */
function wrongType(expected: string, value: unknown): Parsed<never> {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  return problem(`expected ${expected}, got ${got}`);
}

/** Free text (a host name, a URL, a path): empty text is refused, as an empty flag would mean nothing. */
export const TEXT: SettingKind<string> = {
  name: 'text',
  fromText: (text) => (text.trim() === '' ? problem('expected a non-empty value') : ok(text)),
  fromFile: (value) => (typeof value === 'string' ? TEXT.fromText(value) : wrongType('text', value)),
};

/** A whole number in [min, max]; a config file may write it as a number or as text. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): SettingKind<number> {
  const name = min === 0 ? 'integer ≥ 0' : `integer ≥ ${min}`;
  const kind: SettingKind<number> = {
    name: max === Number.MAX_SAFE_INTEGER ? name : `integer ${min}–${max}`,
    fromText(text) {
      const n = /^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max)
        return problem(`expected an ${kind.name}, got "${text}"`);
      return ok(n);
    },
    fromFile(value) {
      if (typeof value === 'number') return kind.fromText(String(value));
      return typeof value === 'string' ? kind.fromText(value) : wrongType(`an ${kind.name}`, value);
    },
  };
  return kind;
}

/** A duration in seconds as `vigil server` takes it: 90, 90s, 30m, 24h, 7d. */
export const DURATION_SECONDS: SettingKind<number> = {
  name: 'duration (90s, 30m, 24h)',
  fromText(text) {
    const seconds = parseDurationSeconds(text);
    return seconds === undefined
      ? problem(`expected a duration such as 30m or 2s, got "${text}"`)
      : ok(seconds);
  },
  fromFile: (value) =>
    typeof value === 'string' || typeof value === 'number'
      ? DURATION_SECONDS.fromText(String(value))
      : wrongType('a duration such as 30m', value),
};

/** On/off. Text is true/false, yes/no, on/off or 1/0 (an environment variable); a file says true or false. */
export const SWITCH: SettingKind<boolean> = {
  name: 'true/false',
  fromText(text) {
    const t = text.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(t)) return ok(true);
    if (['false', 'no', 'off', '0'].includes(t)) return ok(false);
    return problem(`expected true or false, got "${text}"`);
  },
  fromFile: (value) => (typeof value === 'boolean' ? ok(value) : wrongType('true or false', value)),
};

/** A list: comma- or space-separated text, or a YAML sequence of text in a file. */
export const LIST: SettingKind<readonly string[]> = {
  name: 'list',
  fromText: (text) => ok(text.split(/[\s,]+/).filter((item) => item !== '')),
  fromFile(value) {
    if (!Array.isArray(value)) return wrongType('a list', value);
    const items = value as unknown[];
    const bad = items.findIndex((item) => typeof item !== 'string' || item === '');
    if (bad >= 0) return problem(`item ${bad}: expected non-empty text, got ${JSON.stringify(items[bad])}`);
    return ok(items as string[]);
  },
};

/** One of a fixed set of words. */
export function choice<const T extends readonly string[]>(values: T): SettingKind<T[number]> {
  const isOne = (text: string): text is T[number] => values.includes(text);
  const kind: SettingKind<T[number]> = {
    name: values.join(' | '),
    fromText: (text) =>
      isOne(text) ? ok(text) : problem(`expected one of ${values.join(', ')}, got "${text}"`),
    fromFile: (value) =>
      typeof value === 'string' ? kind.fromText(value) : wrongType(`one of ${values.join(', ')}`, value),
  };
  return kind;
}

/** Any kind, with one more check on the parsed value (a URL's shape, a duration's bounds). */
export function checked<V extends SettingValue>(
  base: SettingKind<V>,
  name: string,
  check: (value: V) => string | undefined,
): SettingKind<V> {
  const then = (parsed: Parsed<V>): Parsed<V> => {
    if ('problem' in parsed) return parsed;
    const why = check(parsed.value);
    return why === undefined ? parsed : problem(why);
  };
  return {
    name,
    fromText: (text) => then(base.fromText(text)),
    fromFile: (value) => then(base.fromFile(value)),
  };
}
