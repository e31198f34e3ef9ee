/**
 * Pure parser for Debian control-file syntax (deb-control(5)): the format of `var/lib/dpkg/status` and
 * of distroless `status.d/*` files. Stanzas are separated by blank lines; a field is `Name: value`;
 * lines starting with space or tab continue the previous field. It never throws: lines it cannot place
 * are counted, so a caller can report a damaged file while still using the stanzas that parsed.
 */
export interface ControlStanza {
  /** Field names as written; lookups go through `field()`, which ignores case as dpkg does. */
  fields: Map<string, string>;
  /** 1-based line where the stanza starts, for messages. */
  line: number;
}

export interface ControlParse {
  stanzas: ControlStanza[];
  /** Lines that were neither a field, a continuation nor a separator (garbage, binary, truncation). */
  badLines: number;
  /** First bad line number, for the unknown's detail. */
  firstBadLine?: number;
}

/** Field names are case-insensitive in deb-control; stored lower-cased. */
export function field(stanza: ControlStanza, name: string): string | undefined {
  return stanza.fields.get(name.toLowerCase());
}

const FIELD_NAME = /^[!-9;-~][!-9;-~]*$/; // printable ASCII without ':' and space, per deb-control(5)

export function parseControl(text: string): ControlParse {
  const stanzas: ControlStanza[] = [];
  let current: ControlStanza | undefined;
  let lastKey: string | undefined;
  let badLines = 0;
  let firstBadLine: number | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = stripCr(lines[i] as string);
    if (line.trim() === '') {
      current = undefined;
      lastKey = undefined;
      continue;
    }
    if (line.startsWith('#') && current === undefined) continue;
    if ((line[0] === ' ' || line[0] === '\t') && current && lastKey !== undefined) {
      current.fields.set(lastKey, `${current.fields.get(lastKey) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    const key = colon > 0 ? line.slice(0, colon) : '';
    if (!FIELD_NAME.test(key)) {
      badLines++;
      firstBadLine ??= i + 1;
      continue;
    }
    if (!current) {
      current = { fields: new Map(), line: i + 1 };
      stanzas.push(current);
    }
    lastKey = key.toLowerCase();
    current.fields.set(lastKey, line.slice(colon + 1).trim());
  }
  return { stanzas, badLines, ...(firstBadLine !== undefined ? { firstBadLine } : {}) };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
