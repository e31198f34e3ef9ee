import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { detectOs, identifyOs } from './os-detector.js';

const NOW = new Date('2026-11-23T00:00:00Z');
const detect = (name: string, now = NOW) =>
  detectOs(new DirectoryResolver(join(import.meta.dirname, 'testdata', name)), { now });

describe('detectOs', () => {
  it.each([
    [
      'debian-12',
      {
        id: 'debian',
        versionId: '12',
        release: '12',
        codename: 'bookworm',
        eol: false,
        eolDate: '2028-06-30',
      },
    ],
    ['debian-testing', { id: 'debian', release: '14', codename: 'forky', sources: ['/etc/os-release'] }],
    [
      'debian-8-no-os-release',
      {
        id: 'debian',
        versionId: '8',
        release: '8',
        codename: 'jessie',
        eol: true,
        eolDate: '2020-06-30',
        sources: ['/etc/debian_version'],
      },
    ],
    [
      'ubuntu-22.04',
      {
        id: 'ubuntu',
        idLike: ['debian'],
        versionId: '22.04',
        release: '22.04',
        codename: 'jammy',
        eol: false,
        eolDate: '2027-04-01',
      },
    ],
    [
      'alpine-3.19',
      { id: 'alpine', versionId: '3.19.1', release: 'v3.19', eol: true, eolDate: '2025-11-01' },
    ],
    ['alpine-edge', { id: 'alpine', release: 'edge', prettyName: 'Alpine Linux edge' }],
    [
      'alpine-no-os-release',
      { id: 'alpine', versionId: '3.15.4', release: 'v3.15', eol: true, sources: ['/etc/alpine-release'] },
    ],
    [
      'rhel-8',
      { id: 'rhel', idLike: ['fedora'], versionId: '8.9', release: '8', eol: false, eolDate: '2029-05-31' },
    ],
    [
      'centos-6',
      {
        id: 'centos',
        versionId: '6.10',
        release: '6',
        codename: 'Final',
        eol: true,
        sources: ['/etc/redhat-release'],
      },
    ],
    ['rocky-9', { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], release: '9', eol: false }],
    ['amzn-2', { id: 'amzn', release: '2', eolDate: '2026-06-30', eol: true }],
    ['amzn-2018.03-no-os-release', { id: 'amzn', versionId: '2018.03', release: '2018.03', eol: true }],
    ['mariner-2.0', { id: 'mariner', versionId: '2.0', release: '2.0', eolDate: '2025-07-31', eol: true }],
    ['sles-15.5', { id: 'sles', idLike: ['suse'], release: '15.5', eolDate: '2024-12-31', eol: true }],
  ])('%s', async (name, expected) => {
    expect(await detect(name)).toMatchObject(expected);
  });

  it('reads os-release through the /etc symlink and names the files used', async () => {
    const os = await detect('debian-12');
    expect(os?.sources).toEqual(['/etc/os-release']);
    expect(os?.prettyName).toBe('Debian GNU/Linux 12 (bookworm)');
  });

  it('judges end of life on the day given, the EOL day itself still supported', async () => {
    expect((await detect('debian-12', new Date('2028-06-30T23:00:00Z')))?.eol).toBe(false);
    expect((await detect('debian-12', new Date('2028-07-01T00:00:00Z')))?.eol).toBe(true);
    expect((await detect('debian-12', new Date('2020-01-01T00:00:00Z')))?.eol).toBe(false);
  });

  it('says nothing when nothing says', async () => {
    expect(await detectOs(new DirectoryResolver(mkdtempSync(join(tmpdir(), 'vigil-noos-'))))).toBeUndefined();
    expect(identifyOs(new Map([['/etc/os-release', 'NAME=x\n']]), NOW)).toBeUndefined();
  });

  it('leaves releases without lifecycle facts without an eol verdict', () => {
    const os = identifyOs(new Map([['/etc/os-release', 'ID=gentoo\nVERSION_ID=2.15\n']]), NOW);
    expect(os).toMatchObject({ id: 'gentoo', release: '2.15' });
    expect(os?.eol).toBeUndefined();
  });
});
