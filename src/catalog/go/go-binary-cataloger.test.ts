import { describe, expect, it } from 'vitest';
import type { PackageDraft } from '../../core/package.js';
import { goFixtureBinary } from '../../../test/binary-inventory/go-fixture.js';
import { goBinariesIn, goVersionM, type GoVersionM } from '../../../test/binary-inventory/go-oracle.js';
import { hostFile } from '../../../test/binary-inventory/host-file.js';
import { requireTool } from '../../../test/fixtures/required-tool.js';
import { DEVEL_VERSION, goBinaryCataloger } from './go-binary-cataloger.js';

/** What vigil must report for a binary, derived from `go version -m` by the documented rules. */
function expected(o: GoVersionM): string[] {
  const out: string[] = [];
  if (o.main) out.push(`main ${o.main.path}@${o.main.version}`);
  for (const d of o.deps) {
    const r = d.replace;
    if (r && r.version && r.version !== DEVEL_VERSION) out.push(`dep ${r.path}@${r.version}`);
    else out.push(`dep ${d.path}@${d.version}`);
  }
  out.push(`stdlib ${o.goVersion.split(' ')[0] ?? ''}`);
  return out.sort();
}

function actual(pkgs: PackageDraft[]): string[] {
  return pkgs
    .map((p) => {
      if (p.name === 'stdlib') return `stdlib ${p.version}`;
      if (p.metadata?.['mainModule'])
        return `main ${p.name}@${p.version || (p.metadata['goModuleVersion'] ?? '')}`;
      return `dep ${p.name}@${p.version}`;
    })
    .sort();
}

async function catalog(path: string): Promise<PackageDraft[]> {
  return (await goBinaryCataloger.parse(await hostFile(path), {})).packages;
}

const DEBIAN_BINARIES = ['/usr/bin/docker-registry', '/usr/bin/skopeo', '/usr/bin/umoci'];

describe('go-binary cataloger against `go version -m`', () => {
  it.each(DEBIAN_BINARIES)('Debian-shipped %s', async (binary) => {
    requireTool(binary);
    const oracle = goVersionM(binary);
    const pkgs = await catalog(binary);
    expect(actual(pkgs)).toEqual(expected(oracle));
    const stdlib = pkgs.find((p) => p.name === 'stdlib');
    expect(stdlib?.metadata?.['goVersion']).toBe(oracle.goVersion);
    expect(stdlib?.metadata?.['mainPath']).toBe(oracle.path);
  });

  it('a module-mode binary built offline: proxy dep, local replace, module replace', async () => {
    const binary = await goFixtureBinary();
    const oracle = goVersionM(binary);
    const pkgs = await catalog(binary);
    expect(actual(pkgs)).toEqual(expected(oracle));
    expect(actual(pkgs)).toEqual([
      'dep example.com/dep@v1.4.0',
      'dep example.com/lib@v1.2.3',
      'dep example.com/toolfork@v0.3.2',
      'main example.com/app@(devel)',
      `stdlib ${oracle.goVersion}`,
    ]);
    const byName = new Map(pkgs.map((p) => [p.name, p]));
    expect(byName.get('example.com/lib')?.metadata?.['replacedBy']).toBe('../lib');
    expect(byName.get('example.com/toolfork')?.metadata?.['replaces']).toBe('example.com/tool@v0.3.1');
    expect(byName.get('example.com/dep')?.metadata?.['h1']).toMatch(/^h1:/);
    expect(byName.get('example.com/app')?.version).toBe('');
    expect(byName.get('example.com/app')?.metadata?.['build:GOOS']).toBe('linux');
  });

  // Whatever other Go programs this machine has (module-mode builds with many deps, newer toolchains).
  const others = ['/usr/bin', '/usr/local/bin']
    .flatMap(goBinariesIn)
    .filter((b) => !DEBIAN_BINARIES.includes(b))
    .slice(0, 12);
  it(`other Go binaries on this machine (${others.length})`, async () => {
    expect(others.length, 'golang-go installs /usr/bin/go and /usr/bin/gofmt').toBeGreaterThan(0);
    for (const binary of others) {
      expect({ binary, pkgs: actual(await catalog(binary)) }).toEqual({
        binary,
        pkgs: expected(goVersionM(binary)),
      });
    }
  });

  it('ignores files that are not ELF and ELF files without Go build info', async () => {
    expect(await catalog('/etc/os-release')).toEqual([]);
    expect(await catalog('/usr/bin/objcopy')).toEqual([]);
  });
});
