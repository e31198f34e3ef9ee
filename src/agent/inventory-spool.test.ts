import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventorySpool } from './inventory-spool.js';

const hash = (n: number): string => n.toString(16).padStart(64, '0');
const bytes = (n: number): Buffer => Buffer.alloc(n, 1);

function spool(limits = { maxEntries: 3, maxBytes: 1000 }): InventorySpool {
  return new InventorySpool(mkdtempSync(join(tmpdir(), 'vigil-spool-')), limits);
}

describe('InventorySpool', () => {
  it('keeps entries oldest first and drops the oldest beyond the count', async () => {
    const s = spool();
    for (let i = 1; i <= 5; i++) await s.add(hash(i), bytes(10));
    expect((await s.entries()).map((e) => e.hash)).toEqual([hash(3), hash(4), hash(5)]);
  });

  it('drops the oldest beyond the byte bound, but never the newest', async () => {
    const s = spool({ maxEntries: 10, maxBytes: 250 });
    expect(await s.add(hash(1), bytes(100))).toEqual([]);
    await s.add(hash(2), bytes(100));
    const dropped = await s.add(hash(3), bytes(100));
    expect(dropped).toHaveLength(1);
    expect((await s.entries()).map((e) => e.hash)).toEqual([hash(2), hash(3)]);
    await s.add(hash(4), bytes(5000));
    expect((await s.entries()).map((e) => e.hash)).toEqual([hash(4)]);
  });

  it('does not queue the same inventory twice in a row', async () => {
    const s = spool();
    await s.add(hash(1), bytes(10));
    await s.add(hash(1), bytes(10));
    expect(await s.entries()).toHaveLength(1);
  });

  it('removes what a killed writer left and ignores foreign files', async () => {
    const s = spool();
    writeFileSync(join(s.dir, '.0000000000000001-abc.json.gz.1a2b3c.tmp'), 'half');
    writeFileSync(join(s.dir, 'README'), 'not mine');
    await s.add(hash(7), bytes(10));
    expect((await s.entries()).map((e) => e.hash)).toEqual([hash(7)]);
    expect(readdirSync(s.dir).sort()).toEqual([expect.stringMatching(/^\d{16}-0+7\.json\.gz$/), 'README']);
  });

  it('reads back exactly what was queued; removed entries are gone', async () => {
    const s = spool();
    await s.add(hash(1), Buffer.from('one'));
    await s.add(hash(2), Buffer.from('two'));
    const [first, second] = await s.entries();
    expect((await s.read(first!)).toString()).toBe('one');
    await s.remove(first!);
    expect((await s.entries()).map((e) => e.name)).toEqual([second!.name]);
  });
});
