import { execFileSync } from 'node:child_process';
import { requireTool } from '../../../test/fixtures/required-tool.js';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { cargoLockCataloger } from './cargo-lock-cataloger.js';
import { parseCargoLock } from './cargo-lock-parser.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');
const summary = (text: string): string[] =>
  parseCargoLock(text).map(
    (p) =>
      `${p.name}@${p.version} ${p.metadata?.['sourceKind']} v${p.metadata?.['lockVersion']} ${p.metadata?.['checksum']?.slice(0, 8) ?? '-'}`,
  );

describe('Cargo.lock formats', () => {
  it('v1: checksums from [metadata], path crates without source', () => {
    expect(summary(fixture('Cargo.v1.lock'))).toEqual([
      'aho-corasick@0.7.6 registry v1 58fb5e95',
      'memchr@2.2.1 registry v1 88579771',
      'grep-cli@0.1.3 path v1 -',
    ]);
  });
  it('v2: inline checksums, no version key', () => {
    expect(summary(fixture('Cargo.v2.lock'))).toEqual([
      'bstr@0.2.13 registry v2 31accafd',
      'memchr@2.3.3 registry v2 3728d817',
    ]);
  });
  it('v3: path, registry and git sources', () => {
    expect(summary(fixture('Cargo.v3.lock'))).toEqual([
      'app@0.1.0 path v3 -',
      'regex@1.5.4 registry v3 d07a8629',
      'tokio@1.20.0 git v3 -',
      'util@0.2.0 path v3 -',
    ]);
  });
  it('v4: sparse registry, two versions of one crate', () => {
    expect(summary(fixture('Cargo.v4.lock'))).toEqual([
      'serde@1.0.210 registry v4 c8e35924',
      'serde@0.9.15 registry v4 34b62391',
    ]);
  });

  // cargo itself writes the lockfile of an offline workspace (path crates only: no registry is reachable).
  it('a lockfile written by cargo for a workspace with a path dependency', () => {
    requireTool('cargo');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cargo-'));
    const crate = (name: string, deps: string): void => {
      mkdirSync(join(dir, name, 'src'), { recursive: true });
      writeFileSync(
        join(dir, name, 'Cargo.toml'),
        `[package]\nname = "${name}"\nversion = "0.3.1"\nedition = "2021"\n\n[dependencies]\n${deps}`,
      );
      writeFileSync(join(dir, name, 'src', 'lib.rs'), '');
    };
    crate('core-util', '');
    crate('app', 'core-util = { path = "../core-util" }\n');
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: join(dir, 'app'), stdio: 'pipe' });
    const text = readFileSync(join(dir, 'app', 'Cargo.lock'), 'utf8');
    const got = parseCargoLock(text);
    expect(got.map((p) => `${p.name}@${p.version} ${p.metadata?.['sourceKind']}`)).toEqual([
      'app@0.3.1 path',
      'core-util@0.3.1 path',
    ]);
    expect(got[0]?.metadata?.['lockVersion']).toBe(/^version = (\d+)/m.exec(text)?.[1]);
  });

  it('keeps a crate that comes from crates.io and from git, told apart by purl and identity', async () => {
    const text = [
      'version = 4',
      '[[package]]',
      'name = "regex"',
      'version = "1.11.1"',
      'source = "git+https://github.com/rust-lang/regex.git#1a069b92"',
      '[[package]]',
      'name = "regex"',
      'version = "1.11.1"',
      'source = "registry+https://github.com/rust-lang/crates.io-index"',
      'checksum = "b544ef1b4eac5dc2db33ea63606ae9ffcfac26c1416a2806ae0bf5f56b201191"',
      '',
    ].join('\n');
    const root = mkdtempSync(join(tmpdir(), 'vigil-cargo-twice-'));
    writeFileSync(join(root, 'Cargo.lock'), text);
    const r = await runCatalogers(new DirectoryResolver(root), [cargoLockCataloger]);
    expect(r.packages.map((p) => [p.metadata?.['sourceKind'], p.purl])).toEqual([
      [
        'git',
        'pkg:cargo/regex@1.11.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Frust-lang%2Fregex.git%231a069b92',
      ],
      ['registry', 'pkg:cargo/regex@1.11.1'],
    ]);
    expect(new Set(r.packages.map((p) => p.id)).size).toBe(2);
  });
});
