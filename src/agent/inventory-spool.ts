import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAtomicLeftover, writeFileAtomic } from './atomic-file.js';
import { DEFAULT_SPOOL_LIMITS, type SpoolLimits } from './agent-limits.js';

export interface SpoolEntry {
  name: string;
  hash: string;
  size: number;
}

const ENTRY = /^(\d{16})-([0-9a-f]{64})\.json\.gz$/;

/**
 * Full inventories waiting for the server, oldest first: each one a gzipped inventory JSON written
 * atomically, so a crash leaves whole entries or none. Bounded in count and bytes; when full, the
 * oldest entries go first (the newest state of the host is what matters most). An entry is removed
 * only after the server answered 2xx for it, so a server that dies mid-request loses nothing.
 */
export class InventorySpool {
  private seq = 0;

  constructor(
    readonly dir: string,
    private readonly limits: SpoolLimits = DEFAULT_SPOOL_LIMITS,
  ) {}

  async entries(): Promise<SpoolEntry[]> {
    const out: SpoolEntry[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const m = ENTRY.exec(name);
      if (!m) {
        if (isAtomicLeftover(name)) await rm(join(this.dir, name), { force: true });
        continue;
      }
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st) out.push({ name, hash: m[2] as string, size: st.size });
    }
    return out;
  }

  /** Queues an inventory unless the newest queued one has the same hash; returns the names dropped. */
  async add(hash: string, gzipped: Uint8Array): Promise<string[]> {
    const before = await this.entries();
    if (before.at(-1)?.hash === hash) return [];
    const name = `${this.nextSeq(before)}-${hash}.json.gz`;
    await writeFileAtomic(join(this.dir, name), gzipped, 0o600);
    return this.trim([...before, { name, hash, size: gzipped.byteLength }]);
  }

  read(entry: SpoolEntry): Promise<Buffer> {
    return readFile(join(this.dir, entry.name));
  }

  async remove(entry: SpoolEntry): Promise<void> {
    await rm(join(this.dir, entry.name), { force: true });
  }

  private async trim(all: SpoolEntry[]): Promise<string[]> {
    const dropped: string[] = [];
    let bytes = all.reduce((n, e) => n + e.size, 0);
    // The newest entry always stays, even alone over the byte bound: it is the host's current state.
    while (all.length > 1 && (all.length > this.limits.maxEntries || bytes > this.limits.maxBytes)) {
      const oldest = all.shift() as SpoolEntry;
      bytes -= oldest.size;
      await this.remove(oldest);
      dropped.push(oldest.name);
    }
    return dropped;
  }

  /** Zero-padded microsecond-ish sequence: later than every existing entry even if the clock went back. */
  private nextSeq(existing: readonly SpoolEntry[]): string {
    const last = existing.length ? Number(existing.at(-1)?.name.slice(0, 16)) : 0;
    const next = Math.max(Date.now() * 1000 + (this.seq++ % 1000), last + 1);
    return String(next).padStart(16, '0');
  }
}
