/**
 * A set of unsigned integers (addresses as bigint, or ports) kept as sorted, disjoint, inclusive
 * intervals. The reachability analysis carries the source addresses of a packet symbolically as one
 * of these, so a rule matching a prefix or a set of 300,000 addresses splits the set instead of
 * enumerating addresses. Immutable: every operation returns a new set.
 */
export class IntervalSet {
  private constructor(private readonly spans: readonly (readonly [bigint, bigint])[]) {}

  static readonly EMPTY = new IntervalSet([]);

  static of(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet([[lo, hi]]);
  }

  /** Any intervals, overlapping or not, in any order. */
  static from(spans: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const sorted = [...spans]
      .filter(([a, b]) => a <= b)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else out.push([lo, hi]);
    }
    return new IntervalSet(out);
  }

  get intervals(): readonly (readonly [bigint, bigint])[] {
    return this.spans;
  }

  isEmpty(): boolean {
    return this.spans.length === 0;
  }

  /** The smallest member, a witness that the set is not empty. */
  first(): bigint | undefined {
    return this.spans[0]?.[0];
  }

  has(value: bigint): boolean {
    let lo = 0;
    let hi = this.spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const span = this.spans[mid] as readonly [bigint, bigint];
      if (value < span[0]) hi = mid - 1;
      else if (value > span[1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return IntervalSet.from([...this.spans, ...other.spans]);
  }

  intersect(other: IntervalSet): IntervalSet {
    const out: [bigint, bigint][] = [];
    let i = 0;
    let j = 0;
    while (i < this.spans.length && j < other.spans.length) {
      const a = this.spans[i] as readonly [bigint, bigint];
      const b = other.spans[j] as readonly [bigint, bigint];
      const lo = a[0] > b[0] ? a[0] : b[0];
      const hi = a[1] < b[1] ? a[1] : b[1];
      if (lo <= hi) out.push([lo, hi]);
      if (a[1] < b[1]) i++;
      else j++;
    }
    return new IntervalSet(out);
  }

  /** Members of this set within [0, max] that are not in `other`. */
  subtract(other: IntervalSet): IntervalSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out: [bigint, bigint][] = [];
    let j = 0;
    for (const [lo0, hi] of this.spans) {
      let lo = lo0;
      while (j < other.spans.length && (other.spans[j] as readonly [bigint, bigint])[1] < lo) j++;
      let k = j;
      while (lo <= hi) {
        const cut = other.spans[k];
        if (!cut || cut[0] > hi) {
          out.push([lo, hi]);
          break;
        }
        if (cut[0] > lo) out.push([lo, cut[0] - 1n]);
        lo = cut[1] + 1n;
        k++;
      }
    }
    return new IntervalSet(out);
  }

  equals(other: IntervalSet): boolean {
    return (
      this.spans.length === other.spans.length &&
      this.spans.every((s, i) => s[0] === other.spans[i]?.[0] && s[1] === other.spans[i]?.[1])
    );
  }
}
