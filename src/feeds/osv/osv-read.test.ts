import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../vulndb/import-types.js';
import { osvFeed } from './osv-feed.js';

const sample = readFileSync(join(import.meta.dirname, 'testdata', 'language-osv-sample.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean);

async function collect(items: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

const ids = (items: FeedItem[]): string[] =>
  items.flatMap((i) => (i.kind === 'record' ? [i.record.id] : [])).sort();

describe('OSV inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-osv-read-'));
  const expected = sample.map((l) => (JSON.parse(l) as { id: string }).id).sort();

  it("reads osv.dev's all.zip layout (one JSON per record) as a stream, counting a bad member", async () => {
    const files: Record<string, Uint8Array> = {};
    for (const line of sample)
      files[`${(JSON.parse(line) as { id: string }).id}.json`] = strToU8(
        JSON.stringify(JSON.parse(line), null, 2),
      );
    files['broken.json'] = strToU8('{"id": ');
    files['README.txt'] = strToU8('not a record');
    const zip = join(dir, 'all.zip');
    writeFileSync(zip, zipSync(files, { level: 6 }));
    const items = await collect((await osvFeed(zip, 'osv')).items);
    expect(ids(items)).toEqual(expected);
    expect(items.filter((i) => i.kind === 'invalid')).toEqual([
      { kind: 'invalid', reason: 'invalid JSON document' },
    ]);
  });

  it('refuses a truncated zip instead of importing its first part (the stream reader never sees the end)', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const line of sample)
      files[`${(JSON.parse(line) as { id: string }).id}.json`] = strToU8(line.padEnd(4000));
    const whole = zipSync(files, { level: 0 });
    const cut = join(dir, 'cut.zip');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    await expect(collect((await osvFeed(cut, 'osv')).items)).rejects.toThrow(/end of central directory/);
    // A comment after the record is still a whole zip.
    const commented = join(dir, 'commented.zip');
    const comment = Buffer.from('PK\x05\x06, in a comment');
    const withComment = Buffer.concat([whole, comment]);
    withComment.writeUInt16LE(comment.length, whole.length - 2);
    writeFileSync(commented, withComment);
    expect(ids(await collect((await osvFeed(commented, 'osv')).items))).toEqual(expected);
  });

  it('reads a directory tree of .json files and a single .json file', async () => {
    const tree = join(dir, 'tree');
    sample.forEach((line, i) => {
      const sub = join(tree, `part-${i % 2}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `${i}.json`), JSON.stringify(JSON.parse(line), null, 2));
    });
    expect(ids(await collect((await osvFeed(tree, 'osv')).items))).toEqual(expected);
    const one = join(tree, 'part-0', '0.json');
    expect(ids(await collect((await osvFeed(one, 'osv')).items))).toEqual([
      expected.find((id) => readFileSync(one, 'utf8').includes(id)),
    ]);
  });

  it('keeps only the named ecosystem when reading a per-ecosystem dump', async () => {
    const rec = {
      id: 'GHSA-multi',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'npm', name: 'a' }, versions: ['1.0.0'] },
        { package: { ecosystem: 'PyPI', name: 'b' }, versions: ['1.0'] },
      ],
    };
    const path = join(dir, 'multi.jsonl');
    writeFileSync(path, JSON.stringify(rec) + '\n');
    const items = await collect((await osvFeed(path, 'osv/npm', 'npm')).items);
    const r = items.find((i) => i.kind === 'record');
    expect(r?.kind === 'record' && r.affected.map((a) => a.ecosystem)).toEqual(['npm']);
  });
});
