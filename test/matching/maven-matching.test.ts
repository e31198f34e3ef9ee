import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTarget } from '../../src/scan/scan-service.js';
import { linePairOracle } from '../../src/version/testing/oracle-process.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { GHSA_OSV, openMatchingDb } from './fixtures/matching-db.js';

const JAR = '/usr/share/java/maven-artifact-3.x.jar';
const COMPARE = new URL('../../src/version/maven/testdata/MavenCompare.java', import.meta.url).pathname;

/** Old artifacts with well-known advisories (Log4Shell, Text4Shell, jackson gadgets, SnakeYAML). */
const ARTIFACTS: readonly [string, string, string][] = [
  ['org.apache.logging.log4j', 'log4j-core', '2.14.1'],
  ['com.fasterxml.jackson.core', 'jackson-databind', '2.9.8'],
  ['org.apache.commons', 'commons-text', '1.9'],
  ['org.yaml', 'snakeyaml', '1.30'],
  ['org.springframework', 'spring-beans', '5.3.17'],
  ['commons-collections', 'commons-collections', '3.2.1'],
];

let db: VulnDb;
let dir: string;
beforeAll(async () => {
  db = await openMatchingDb();
  dir = mkdtempSync(join(tmpdir(), 'vigil-maven-'));
  mkdirSync(join(dir, 'app/lib'), { recursive: true });
  for (const [g, a, v] of ARTIFACTS) {
    const props = `groupId=${g}\nartifactId=${a}\nversion=${v}\n`;
    const zip = zipSync({
      [`META-INF/maven/${g}/${a}/pom.properties`]: strToU8(props),
      'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n'),
    });
    writeFileSync(join(dir, 'app/lib', `${a}-${v}.jar`), zip);
  }
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Affected {
  package?: { ecosystem?: string; name?: string };
  ranges?: { type: string; events: Record<string, string>[] }[];
  versions?: string[];
}

/**
 * The test's own reading of the GHSA Maven records, every comparison answered by Maven's
 * ComparableVersion (maven-artifact, run by java): a version is in a range when some introduced is at or
 * below it and the next fixed is above it (or the next last_affected at or above it).
 */
async function mavenOracle(installed: Map<string, string>): Promise<string[]> {
  const entries: { id: string; name: string; version: string; a: Affected }[] = [];
  const lines = createInterface({
    input: createReadStream(GHSA_OSV).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    if (!line.includes('"Maven"')) continue;
    const rec = JSON.parse(line) as { id: string; withdrawn?: string; affected?: Affected[] };
    if (rec.withdrawn) continue;
    for (const a of rec.affected ?? []) {
      const v = a.package?.ecosystem === 'Maven' ? installed.get(a.package.name ?? '') : undefined;
      if (v) entries.push({ id: rec.id, name: a.package?.name ?? '', version: v, a });
    }
  }
  const pairs: [string, string][] = [];
  for (const e of entries)
    for (const r of e.a.ranges ?? [])
      for (const ev of r.events) for (const x of Object.values(ev)) if (x !== '0') pairs.push([e.version, x]);
  const answers = linePairOracle('java', ['-cp', JAR, COMPARE], pairs);
  const cmp = new Map(pairs.map((p, i) => [p.join('\t'), answers[i] as number]));
  const c = (v: string, x: string): number => (x === '0' ? 1 : (cmp.get(`${v}\t${x}`) as number));
  const out = new Set<string>();
  for (const e of entries) {
    let hit = (e.a.versions ?? []).includes(e.version);
    for (const r of e.a.ranges ?? []) {
      let open = false;
      for (const ev of r.events) {
        if (ev['introduced'] !== undefined) open = c(e.version, ev['introduced']) >= 0;
        else if (ev['fixed'] !== undefined) {
          if (open && c(e.version, ev['fixed']) < 0) hit = true;
          open = false;
        } else if (ev['last_affected'] !== undefined) {
          if (open && c(e.version, ev['last_affected']) <= 0) hit = true;
          open = false;
        }
      }
      if (open) hit = true;
    }
    if (hit) out.add(`${e.id} ${e.name} ${e.version}`);
  }
  return [...out].sort();
}

describe('Maven: jars against GHSA, decided by Maven’s ComparableVersion', () => {
  it('finds Log4Shell, Text4Shell and the rest exactly as the oracle does', async () => {
    const result = await scanTarget({ kind: 'directory', path: dir }, { store: db.store });
    const mvn = result.inventory.packages.filter((p) => p.ecosystem === 'maven');
    expect(mvn.map((p) => `${p.name}@${p.version}`).sort()).toEqual(
      ARTIFACTS.map(([g, a, v]) => `${g}:${a}@${v}`).sort(),
    );
    const oracle = await mavenOracle(new Map(mvn.map((p) => [p.name, p.version])));
    const mine = new Set<string>();
    for (const f of result.findings)
      for (const r of f.packageVulnerabilityDetails?.matches ?? [])
        if (r.ecosystem === 'Maven') mine.add(`${r.recordId} ${r.packageName} ${r.comparedVersion}`);
    expect([...mine].sort()).toEqual(oracle);
    const log4shell = result.findings.find(
      (f) => f.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2021-44228',
    );
    expect(log4shell?.exploitAvailable).toBe('YES');
    expect(log4shell?.severity).toBe('CRITICAL');
    expect(log4shell?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion).toBe('2.15.0');
    console.log(
      `Maven: ${mvn.length} jars, ${mine.size} (record, artifact, version) matches = oracle; ${result.findings.length} findings`,
    );
  });
});
