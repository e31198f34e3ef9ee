import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDpkgStatus, parseSourceField, splitDebVersion, toDraft } from './dpkg-status-parser.js';

const run = promisify(execFile);
const SAMPLE = join(import.meta.dirname, 'testdata/status-sample');

async function dpkgQuery(statusFile: string): Promise<string[]> {
  const admin = mkdtempSync(join(tmpdir(), 'vigil-dpkg-admin-'));
  mkdirSync(join(admin, 'info'));
  copyFileSync(statusFile, join(admin, 'status'));
  const fmt =
    '${db:Status-Abbrev}|${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n';
  const { stdout } = await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', fmt]).finally(() =>
    rmSync(admin, { recursive: true, force: true }),
  );
  // `ii` and `hi` (held) are installed; `rc` (config files only) and `iH` (half-installed) are not.
  return stdout
    .split('\n')
    .filter((l) => /^[ih]i /.test(l))
    .map((l) => l.slice(l.indexOf('|') + 1))
    .sort();
}

const line = (e: {
  name: string;
  version: string;
  arch?: string;
  sourceName: string;
  sourceVersion: string;
}) => `${e.name} ${e.version} ${e.arch ?? ''} ${e.sourceName} ${e.sourceVersion}`;

describe('parseDpkgStatus', () => {
  it('keeps installed (and held) packages with the source fields dpkg-query prints', async () => {
    const parsed = parseDpkgStatus(readFileSync(SAMPLE, 'utf8'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map(line).sort()).toEqual(await dpkgQuery(SAMPLE));
    expect(parsed.entries.map((e) => e.name)).toEqual(['libgcc-s1', 'perl-base', 'login', 'tzdata']);
  });

  it('splits epoch, upstream and revision', () => {
    expect(splitDebVersion('1:4.13+dfsg1-1+b1')).toEqual({
      epoch: 1,
      upstream: '4.13+dfsg1',
      revision: '1+b1',
    });
    expect(splitDebVersion('2024a-0+deb12u1')).toEqual({ upstream: '2024a', revision: '0+deb12u1' });
    expect(splitDebVersion('1.2.3')).toEqual({ upstream: '1.2.3' });
    expect(splitDebVersion('1:2.0-rc-1')).toEqual({ epoch: 1, upstream: '2.0-rc', revision: '1' });
    const login = parseDpkgStatus(readFileSync(SAMPLE, 'utf8')).entries.find((e) => e.name === 'login');
    expect(toDraft(login!)).toMatchObject({ epoch: 1, version: '1:4.13+dfsg1-1+b1', sourceName: 'shadow' });
  });

  it('reads Source with and without a version', () => {
    expect(parseSourceField('gcc-12 (12.2.0-14)')).toEqual({ name: 'gcc-12', version: '12.2.0-14' });
    expect(parseSourceField('pam')).toEqual({ name: 'pam' });
    expect(parseSourceField('')).toBeUndefined();
  });

  it('keeps the whole stanzas of a truncated file and says what was lost', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const cut = text.slice(0, text.indexOf('Version: 1:4.13'));
    const parsed = parseDpkgStatus(cut);
    expect(parsed.entries.map((e) => e.name)).toEqual(['libgcc-s1', 'perl-base']);
    expect(parsed.problems).toEqual(['1 stanza(s) without Package, Version or Status']);
    // Cut inside the Version line: the stanza looks complete but its version is shortened.
    const midLine = parseDpkgStatus(text.slice(0, text.indexOf('Version: 1:4.13') + 12));
    expect(midLine.entries.map((e) => e.name)).toEqual(['libgcc-s1', 'perl-base']);
    expect(midLine.problems).toEqual(['file ends mid-line (truncated): its last stanza was dropped']);
  });

  it('survives binary garbage, NULs and a 20 MB line', () => {
    const garbage = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24)).toString(
      'utf8',
    );
    const text = `${garbage}\n\n${readFileSync(SAMPLE, 'utf8')}\nX-Huge: ${'y'.repeat(20_000_000)}\n`;
    const parsed = parseDpkgStatus(text);
    expect(parsed.entries.map((e) => e.name)).toContain('libgcc-s1');
    expect(parsed.problems.join(' ')).toMatch(/malformed line/);
    expect(parseDpkgStatus('\u0000\u0001\u0002').entries).toEqual([]);
    expect(parseDpkgStatus('').problems).toEqual([]);
  });

  it('treats a status.d stanza without Status as installed', () => {
    const parsed = parseDpkgStatus('Package: a\nVersion: 1\nArchitecture: all\n', { statusOptional: true });
    expect(parsed.entries.map(line)).toEqual(['a 1 all a 1']);
    expect(parseDpkgStatus('Package: a\nVersion: 1\n').entries).toEqual([]);
  });
});
