import { createHash } from 'node:crypto';

/**
 * A digest of a resource's open package findings as a set: what a full re-match compares to skip a
 * host unread (findings_digests, m0033). It is a sum of one hash per finding, four 32-bit lanes
 * each added modulo 2^32, so it does not depend on order or grouping: the re-match adds its memoized
 * components' sums (each component hashed once per run), a scan adds the rows it left stored, and both
 * arrive at the same value for the same findings. Each finding counts by what `differs()` compares:
 * its package key, vulnerability id and scan digest. Not a defence against a chosen collision: the
 * findings come from our own matching, and 128 bits make an accidental one negligible.
 */
export class FindingSetDigest {
  private readonly lanes = [0, 0, 0, 0];

  /** One finding (packageKey, vulnerabilityId, scan digest). */
  addFinding(packageKey: string, vulnerabilityId: string, matchDigest: string | null): this {
    return this.addIdentity(`${packageKey}\0${vulnerabilityId}`, matchDigest);
  }

  /** One finding by its identity within the resource (`packageKey\0vulnerabilityId`) and scan digest. */
  addIdentity(identity: string, matchDigest: string | null): this {
    const h = createHash('sha256')
      .update(`${identity}\0${matchDigest ?? ''}`)
      .digest();
    for (let i = 0; i < 4; i++) this.lanes[i] = ((this.lanes[i] ?? 0) + h.readUInt32BE(4 * i)) % 2 ** 32;
    return this;
  }

  /** Another set's sum (a component's): the union, when the two share no finding. */
  addSet(other: FindingSetDigest): this {
    for (let i = 0; i < 4; i++) this.lanes[i] = ((this.lanes[i] ?? 0) + (other.lanes[i] ?? 0)) % 2 ** 32;
    return this;
  }

  /** The set without `other`'s findings (a subset of it): what stays when they are taken out. */
  subtractSet(other: FindingSetDigest): this {
    for (let i = 0; i < 4; i++)
      this.lanes[i] = ((this.lanes[i] ?? 0) - (other.lanes[i] ?? 0) + 2 ** 32) % 2 ** 32;
    return this;
  }

  /** A digest recorded as toString() gave it; undefined for any other text (an older form). */
  static parse(text: string): FindingSetDigest | undefined {
    if (!/^[0-9a-f]{32}$/.test(text)) return undefined;
    const d = new FindingSetDigest();
    for (let i = 0; i < 4; i++) d.lanes[i] = Number.parseInt(text.slice(8 * i, 8 * i + 8), 16);
    return d;
  }

  /** 32 hex digits. A digest recorded before this form (base64url) only has its host compared once. */
  toString(): string {
    return this.lanes.map((l) => l.toString(16).padStart(8, '0')).join('');
  }
}
