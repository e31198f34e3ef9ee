import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { normalizePythonName } from '../../src/core/pep503-name.js';
import { buildCli, REPO, runCli } from '../cli/built-cli.js';
import { CHECKS, type Documented } from './peer-evidence.js';
import { diffCase, inventoryOf, peerCases, type PeerCase } from './peer-syft-cases.js';

const run = promisify(execFile);
const DOCUMENTED = JSON.parse(
  readFileSync(join(import.meta.dirname, 'documented-differences.json'), 'utf8'),
) as Documented[];
const byCase = new Map(DOCUMENTED.map((d) => [d.case, d]));
const cases = peerCases();
const caseByName = new Map(cases.map((c) => [c.name, c]));

const inventories = new Map<string, Inventory>();
beforeAll(async () => {
  for (const c of cases) inventories.set(c.name, await inventoryOf(c.root));
});
const inv = (name: string): Inventory => inventories.get(name) as Inventory;

describe('peer-syft: anchore/syft fixtures and the packages its own tests expect', () => {
  it('has all 66 cases, and every documented difference names one of them once', () => {
    expect(cases.length).toBe(66);
    expect(new Set(DOCUMENTED.map((d) => d.case)).size).toBe(DOCUMENTED.length);
    for (const d of DOCUMENTED) expect(caseByName.has(d.case), d.case).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s agrees, or differs exactly as documented',
    (name, c) => {
      const d = byCase.get(name);
      expect(diffCase(c, inv(name))).toEqual({ missing: d?.missing ?? [], extra: d?.extra ?? [] });
    },
  );

  it('agreement: the cases without a documented difference', () => {
    const agree = cases.filter((c) => !byCase.has(c.name)).length;
    expect(agree).toBe(cases.length - DOCUMENTED.length);
    expect(agree).toBeGreaterThanOrEqual(51);
  });

  it('every documented difference is one line in the README, under the syft section', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Deliberate differences from syft'));
    expect(section.length).toBeLessThan(readme.length);
    for (const d of DOCUMENTED) expect(section, d.case).toContain(`- \`${d.case}\`: ${d.difference}`);
  });
});

describe('peer-syft: the real tools show each documented reason', () => {
  it.each(DOCUMENTED.map((d) => [d.case, d.check, d] as const))('%s (%s)', async (name, check, d) => {
    await CHECKS[check](caseByName.get(name) as PeerCase, d);
  });
});

describe('peer-syft: the defects issue 11 found, fixed on their fixtures', () => {
  const ids = (name: string): string[] =>
    inv(name)
      .packages.map((p) => `${p.name}@${p.version}`)
      .sort();

  it('pnpm-multi-doc: both YAML documents are read; pnpm itself (the environment document) is dev', () => {
    const pkgs = inv('pnpm-multi-doc').packages;
    expect(pkgs.map((p) => [p.name, p.version, p.metadata?.['dev'] ?? '-']).sort()).toEqual([
      ['@pnpm/exe.linux-x64', '12.0.0-rc.3', 'true'],
      ['minimist', '1.2.0', '-'],
      ['pnpm', '12.0.0-rc.3', 'true'],
    ]);
    expect(inv('pnpm-multi-doc').unknowns).toEqual([]);
  });

  it('jar-micronaut-aop: the group from pom.xml when there is no pom.properties', () => {
    const [p] = inv('jar-micronaut-aop').packages;
    expect(p).toMatchObject({
      name: 'io.micronaut:micronaut-aop',
      version: '4.9.11',
      purl: 'pkg:maven/io.micronaut/micronaut-aop@4.9.11',
      metadata: { source: 'pom.xml', pomPath: 'META-INF/maven/io.micronaut/micronaut-aop/pom.xml' },
    });
    expect(inv('jar-micronaut-aop').unknowns).toEqual([]);
  });

  it('jar-jackson-core-sbt-name: the artifactId from META-INF/maven/**/pom.xml, not the file name', () => {
    expect(ids('jar-jackson-core-sbt-name')).toEqual(['com.fasterxml.jackson.core:jackson-core@2.15.2']);
  });

  it('hpi-gradle: a Jenkins plugin from Group-Id, Short-Name and Plugin-Version', () => {
    expect(inv('hpi-gradle').packages.map((p) => p.purl)).toEqual([
      'pkg:maven/org.jenkins-ci.plugins/gradle@2.11',
    ]);
  });

  it('gomod-many-packages: `exclude` drops the excluded version', () => {
    expect(ids('gomod-many-packages')).not.toContain('github.com/adrg/xdg@v0.2.1');
    expect(ids('gomod-many-packages')).toHaveLength(6);
  });

  it('cargo-lock-git-deps: a crate from crates.io and from git are both kept, with their sources', () => {
    const regex = inv('cargo-lock-git-deps').packages.filter((p) => p.name === 'regex');
    expect(regex.map((p) => [p.version, p.metadata?.['sourceKind']]).sort()).toEqual([
      ['1.11.1', 'git'],
      ['1.11.1', 'registry'],
    ]);
    expect(regex.map((p) => p.purl).sort()).toEqual([
      'pkg:cargo/regex@1.11.1',
      expect.stringMatching(/^pkg:cargo\/regex@1\.11\.1\?vcs_url=git%2Bhttps/) as unknown as string,
    ]);
  });

  it('py-installed-uppercase: *.DIST-INFO and *.EGG-INFO are read, as importlib.metadata and pip read them', async () => {
    const dir = join(caseByName.get('py-installed-uppercase')?.root ?? '', 'usr/lib/python3/site-packages');
    const py = (args: string[]): Promise<string> =>
      run('/usr/bin/python3', args).then(
        (r) => r.stdout,
        (err: Error) => {
          throw new Error(
            `/usr/bin/python3 ${args[0] ?? ''} failed (Debian package python3-pip): ${err.message}`,
          );
        },
      );
    const script =
      'import importlib.metadata as m, json, sys\n' +
      "print(json.dumps([[d.metadata['Name'], d.version] for d in m.distributions(path=[sys.argv[1]])]))";
    const importlib = JSON.parse(await py(['-c', script, dir])) as [string, string][];
    const pip = JSON.parse(await py(['-m', 'pip', 'list', '--path', dir, '--format', 'json'])) as {
      name: string;
      version: string;
    }[];
    const norm = (n: string, v: string): string => `${normalizePythonName(n)}@${v}`;
    expect(importlib.map(([n, v]) => norm(n, v)).sort()).toEqual(ids('py-installed-uppercase'));
    expect(pip.map((p) => norm(p.name, p.version)).sort()).toEqual(ids('py-installed-uppercase'));
    expect(ids('py-installed-uppercase')).toEqual(['pygments@2.6.1', 'requests@2.22.0']);
  });

  it('py-installed-no-version: an unknown, not silence', () => {
    expect(inv('py-installed-no-version').packages).toEqual([]);
    expect(inv('py-installed-no-version').unknowns).toEqual([
      expect.objectContaining({
        path: '/usr/lib/python3/site-packages/no-version-py3.8.egg-info',
        reason: 'parse-error',
        detail: 'distribution no-version has no Version',
      }),
    ]);
  });
});

describe('peer-syft through the built CLI', () => {
  beforeAll(() => buildCli(), 300_000);

  it.each(['pnpm-multi-doc', 'jar-micronaut-aop', 'cargo-lock-git-deps'])(
    '`vigil sbom ROOT -f json` lists what the inventory function lists (%s)',
    async (name) => {
      const c = caseByName.get(name) as PeerCase;
      const r = await runCli(['sbom', c.root, '-f', 'json']);
      expect(r.code).toBe(0);
      const cli = JSON.parse(r.stdout) as Inventory;
      expect(diffCase(c, cli)).toEqual(diffCase(c, inv(name)));
      expect(cli.packages.map((p) => p.purl).sort()).toEqual(
        inv(name)
          .packages.map((p) => p.purl)
          .sort(),
      );
    },
  );
});
