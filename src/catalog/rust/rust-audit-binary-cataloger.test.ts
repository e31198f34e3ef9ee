import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostFile } from '../../../test/binary-inventory/host-file.js';
import { auditableBinary } from '../../../test/binary-inventory/rust-fixture.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { rustAuditBinaryCataloger } from './rust-audit-binary-cataloger.js';

const AUDIT_JSON = readFileSync(join(import.meta.dirname, 'testdata/audit-data.json'));

let dir: string;
let binary: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rust-'));
  binary = auditableBinary(dir, deflateSync(AUDIT_JSON));
});

describe('rust-audit-binary cataloger', () => {
  it('reads the crates binutils sees in .dep-v0 (build-only crates left out)', async () => {
    // Oracle for the section bytes: binutils dumps the section, node's zlib inflates it.
    execFileSync('objcopy', [
      '--dump-section',
      `.dep-v0=${join(dir, 'dumped.bin')}`,
      binary,
      join(dir, 'scratch'),
    ]);
    const seen = JSON.parse(inflateSync(readFileSync(join(dir, 'dumped.bin'))).toString('utf8')) as {
      packages: { name: string; version: string; kind?: string }[];
    };
    const expected = seen.packages.filter((p) => p.kind !== 'build').map((p) => `${p.name}@${p.version}`);

    const got = (await rustAuditBinaryCataloger.parse(await hostFile(binary), {})).packages;
    expect(got.map((p) => `${p.name}@${p.version}`)).toEqual(expected);
    expect(got.map((p) => [p.name, p.metadata?.['sourceKind'], p.metadata?.['root'] ?? '-'])).toEqual([
      ['aho-corasick', 'registry', '-'],
      ['grep-tool', 'path', 'true'],
      ['memchr', 'registry', '-'],
      ['regex-lite', 'git', '-'],
      ['termcolor', 'registry', '-'],
    ]);
    expect(got.every((p) => p.ecosystem === 'cargo' && p.scope === 'installed')).toBe(true);
  });

  it('finds it through the runner under usr/bin; the plain binary beside it has nothing', async () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    copyFileSync(binary, join(root, 'usr/bin/grep-tool'));
    copyFileSync(join(dir, 'hello'), join(root, 'usr/bin/hello'));
    const r = await runCatalogers(new DirectoryResolver(root), [rustAuditBinaryCataloger]);
    expect(new Set(r.packages.map((p) => p.filePath))).toEqual(new Set(['/usr/bin/grep-tool']));
    expect(r.packages.map((p) => p.purl)).toContain('pkg:cargo/memchr@2.7.4');
    expect(r.unknowns).toEqual([]);
  });

  it('a section that inflates past the limit is an unknown, not an allocation', async () => {
    const bombDir = mkdtempSync(join(tmpdir(), 'vigil-rust-bomb-'));
    const bomb = auditableBinary(bombDir, deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));
    expect(existsSync(bomb)).toBe(true);
    expect(await rustAuditBinaryCataloger.parse(await hostFile(bomb), {})).toEqual({
      packages: [],
      unknowns: [{ path: bomb, reason: 'limit-exceeded', detail: '.dep-v0 inflates past its limit' }],
    });
  });
});
