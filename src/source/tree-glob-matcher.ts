import picomatch from 'picomatch';

/** A glob over in-root paths without the leading slash, and the id a match reports. */
export interface TaggedGlob {
  glob: string;
  id: number;
}

type Segment =
  | { kind: 'globstar' }
  | { kind: 'any' }
  | { kind: 'literal'; text: string }
  | { kind: 'suffix'; text: string }
  | { kind: 'pattern'; re: RegExp };

interface SegmentGlob {
  id: number;
  segments: Segment[];
  /** tailStars[i]: every segment from i on is `**`, so a path that got to i is matched. */
  tailStars: boolean[];
}

const NO_IDS: readonly number[] = [];
/** Positions are packed with their glob into one number: glob index × 256 + position. */
const POSITIONS = 256;
/** Brace sets, extglobs, escapes and negations may span or change segments: matched whole instead. */
const NOT_SEGMENT_WISE = /[{}()\\]|(?:^|\/)!/;

/**
 * Matches picomatch globs (`dot: true`) one directory level at a time, the way a tree walk meets paths:
 * a directory's state says which parts of which globs are still open, so a file is judged by its name
 * alone (a Map lookup, a suffix test or a short regex) instead of running every glob's regex over its
 * whole path. Globs a segment-wise reading cannot express exactly (braces, extglobs) are matched whole.
 * The equivalence to picomatch over full paths is what `tree-glob-matcher.test.ts` checks.
 */
export class TreeGlobMatcher {
  readonly root: MatchState;
  private readonly globs: SegmentGlob[] = [];
  private readonly whole: { id: number; isMatch: (path: string) => boolean }[] = [];
  private readonly interned = new Map<string, MatchState>();

  constructor(globs: readonly TaggedGlob[]) {
    for (const { glob, id } of globs) {
      const parts = glob.split('/');
      if (
        NOT_SEGMENT_WISE.test(glob) ||
        parts.some((p) => p === '' || unclosedBracket(p)) ||
        parts.length >= POSITIONS
      ) {
        this.whole.push({ id, isMatch: picomatch(glob, { dot: true }) });
        continue;
      }
      const segments = parts.map(compileSegment);
      const tailStars = segments.map((_, i) => segments.slice(i).every((s) => s.kind === 'globstar'));
      tailStars.push(true);
      this.globs.push({ id, segments, tailStars });
    }
    this.root = this.intern(this.globs.map((_, g) => g * POSITIONS));
  }

  /** True when some glob still needs whole paths, so `matches` must be given the entry's path. */
  get needsPaths(): boolean {
    return this.whole.length > 0;
  }

  /** The state of the subdirectory `name` of a directory whose state is `state`. */
  enter(state: MatchState, name: string): MatchState {
    const literal = state.literalNext.get(name);
    let extra: number[] | undefined = literal ? [...literal] : undefined;
    for (const s of state.suffixNext) if (name.endsWith(s.text)) (extra ??= []).push(s.item);
    for (const p of state.patternNext) if (p.re.test(name)) (extra ??= []).push(p.item);
    // Most directories open nothing new: their state is the same for every such name, computed once.
    if (!extra) return (state.plainNext ??= this.intern([...state.stay, ...state.anyNext]));
    return this.intern([...state.stay, ...state.anyNext, ...extra]);
  }

  /**
   * Ids of the globs that the entry `name` (file or directory) in a directory with `state` matches.
   * `path` (the entry's in-root path without the leading slash) is read only by globs matched whole.
   */
  matches(state: MatchState, name: string, path?: () => string): readonly number[] {
    // Called once per entry of a tree walk (a host has most of a million): no allocation unless a match.
    let out: number[] | undefined = state.literalAccept.get(name);
    if (out) out = [...out];
    for (const id of state.anyAccept) out = withId(out, id);
    for (const s of state.suffixAccept) if (name.endsWith(s.text)) out = withId(out, s.id);
    for (const p of state.patternAccept) if (p.re.test(name)) out = withId(out, p.id);
    if (this.whole.length > 0 && path) {
      const subject = path();
      for (const w of this.whole) if (w.isMatch(subject)) out = withId(out, w.id);
    }
    return out ?? NO_IDS;
  }

  /** One state object per distinct set of open glob positions: directories share them. */
  private intern(items: number[]): MatchState {
    const closed = this.closure(items);
    const key = closed.join(',');
    let state = this.interned.get(key);
    if (!state) {
      state = this.buildState(closed);
      this.interned.set(key, state);
    }
    return state;
  }

  /** `**` matches zero segments too: a position at `**` also opens the position after it. */
  private closure(items: number[]): number[] {
    const seen = new Set<number>();
    const todo = [...items];
    while (todo.length > 0) {
      const item = todo.pop() as number;
      if (seen.has(item)) continue;
      seen.add(item);
      const glob = this.globs[Math.floor(item / POSITIONS)] as SegmentGlob;
      const pos = item % POSITIONS;
      if (glob.segments[pos]?.kind === 'globstar' && pos + 1 < glob.segments.length) todo.push(item + 1);
    }
    return [...seen].sort((a, b) => a - b);
  }

  private buildState(items: number[]): MatchState {
    const state = new MatchState();
    for (const item of items) {
      const glob = this.globs[Math.floor(item / POSITIONS)] as SegmentGlob;
      const pos = item % POSITIONS;
      const seg = glob.segments[pos] as Segment;
      const last = pos + 1 >= glob.segments.length;
      const accepts = glob.tailStars[seg.kind === 'globstar' ? pos : pos + 1] === true;
      if (seg.kind === 'globstar') {
        state.stay.push(item);
        if (accepts) state.anyAccept.push(glob.id);
        continue;
      }
      const next = item + 1;
      if (seg.kind === 'literal') {
        if (!last) pushTo(state.literalNext, seg.text, next);
        if (accepts) pushTo(state.literalAccept, seg.text, glob.id, true);
      } else if (seg.kind === 'any') {
        if (!last) state.anyNext.push(next);
        if (accepts) state.anyAccept.push(glob.id);
      } else if (seg.kind === 'suffix') {
        if (!last) state.suffixNext.push({ text: seg.text, item: next });
        if (accepts) state.suffixAccept.push({ text: seg.text, id: glob.id });
      } else {
        if (!last) state.patternNext.push({ re: seg.re, item: next });
        if (accepts) state.patternAccept.push({ re: seg.re, id: glob.id });
      }
    }
    return state;
  }
}

/** What a directory level knows: how its entries' names open positions (subdirectories) or match (entries). */
export class MatchState {
  /** The state of a subdirectory whose name matches no literal, suffix or pattern here. */
  plainNext: MatchState | undefined;
  readonly stay: number[] = [];
  readonly literalNext = new Map<string, number[]>();
  readonly anyNext: number[] = [];
  readonly suffixNext: { text: string; item: number }[] = [];
  readonly patternNext: { re: RegExp; item: number }[] = [];
  readonly literalAccept = new Map<string, number[]>();
  readonly anyAccept: number[] = [];
  readonly suffixAccept: { text: string; id: number }[] = [];
  readonly patternAccept: { re: RegExp; id: number }[] = [];
}

function compileSegment(seg: string): Segment {
  if (seg === '**') return { kind: 'globstar' };
  if (seg === '*') return { kind: 'any' };
  if (!picomatch.scan(seg).isGlob) return { kind: 'literal', text: seg };
  const rest = seg.slice(1);
  // `*.jar`: with dot:true a leading star matches any prefix, the empty one included.
  if (seg.startsWith('*') && !picomatch.scan(rest).isGlob) return { kind: 'suffix', text: rest };
  return { kind: 'pattern', re: picomatch.makeRe(seg, { dot: true }) };
}

function withId(ids: number[] | undefined, id: number): number[] {
  if (!ids) return [id];
  if (!ids.includes(id)) ids.push(id);
  return ids;
}

function unclosedBracket(seg: string): boolean {
  return seg.lastIndexOf('[') > seg.lastIndexOf(']');
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V, unique = false): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!unique || !list.includes(value)) list.push(value);
}
