/**
 * A reader for the Elixir term literals `mix.lock` is written in: maps `%{"k": v, "k" => v}`, tuples
 * `{…}`, lists `[…]` (with keyword pairs `key: v`), strings, atoms (`:hex`, `:"a-b"`), numbers,
 * booleans and nil. Atoms are read as `{ atom: name }`, tuples as `{ tuple: [...] }`.
 */
export type Term =
  string | number | boolean | null | { atom: string } | { tuple: Term[] } | Term[] | { map: [Term, Term][] };

export class TermSyntaxError extends Error {}

export function readTerm(text: string): Term {
  const r = new Reader(text);
  const t = r.term();
  r.ws();
  if (r.i < text.length) r.fail('trailing text');
  return t;
}

class Reader {
  i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new TermSyntaxError(`${what} at offset ${this.i}`);
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === '#') while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      else if (/\s/.test(c)) this.i++;
      else break;
    }
  }

  term(): Term {
    this.ws();
    const c = this.s[this.i];
    if (c === '%' && this.s[this.i + 1] === '{') return { map: this.seq('%{', '}', true) as [Term, Term][] };
    if (c === '{') return { tuple: this.seq('{', '}', false) };
    if (c === '[') return this.seq('[', ']', true);
    if (c === '"') return this.string();
    if (c === ':') {
      this.i++;
      return { atom: this.s[this.i] === '"' ? this.string() : this.word() };
    }
    const w = this.word();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'nil') return null;
    if (/^-?\d[\d_]*(\.\d+)?$/.test(w)) return Number(w.replace(/_/g, ''));
    return this.fail(`unexpected ${JSON.stringify(w || c || 'end')}`);
  }

  /** Elements up to `close`; in maps and lists `k: v` and (maps) `k => v` become [key, value] pairs. */
  private seq(open: string, close: string, pairs: boolean): (Term | [Term, Term])[] {
    this.i += open.length;
    const out: (Term | [Term, Term])[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(pairs ? this.pairOrTerm() : this.term());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected , or ${close}`);
    }
  }

  private pairOrTerm(): Term | [Term, Term] {
    this.ws();
    const start = this.i;
    const key =
      this.s[this.i] === '"'
        ? this.string()
        : /[A-Za-z_]/.test(this.s[this.i] ?? '')
          ? this.word()
          : undefined;
    if (key !== undefined && this.s[this.i] === ':' && /\s/.test(this.s[this.i + 1] ?? '')) {
      this.i++;
      return [key, this.term()];
    }
    this.i = start;
    const t = this.term();
    this.ws();
    if (this.s.startsWith('=>', this.i)) {
      this.i += 2;
      return [t, this.term()];
    }
    return t;
  }

  private string(): string {
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++] ?? '';
    }
    if (this.s[this.i] !== '"') this.fail('unterminated string');
    this.i++;
    return out;
  }

  private word(): string {
    const m = /^[A-Za-z0-9_.?!@-]*/.exec(this.s.slice(this.i, this.i + 256));
    const w = m?.[0] ?? '';
    this.i += w.length;
    return w;
  }
}
