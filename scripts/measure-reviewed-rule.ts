/**
 * How many findings the reviewed-advisory rule changes across every PyPI, npm and Go package that
 * ../shared/data names, at every version its advisories mention (introduced, fixed, last_affected,
 * listed versions): the boundaries where records disagree. Imports GHSA, PYSEC and the Go vulndb into a
 * temporary DB with vigil's importer, matches each (package, version) with vigil's matcher, and counts
 * the (record, package, version) matches the rule drops and the findings that disappear with them.
 *
 * usage: npx tsx scripts/measure-reviewed-rule.ts   (about a minute or two)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ecosystem } from '../src/core/ecosystem.js';
import type { Package } from '../src/core/package.js';
import { osvFeed } from '../src/feeds/osv/osv-feed.js';
import { mergeAliases } from '../src/match/alias-merger.js';
import { languagePackageMatcher } from '../src/match/language-package-matcher.js';
import type { MatchNote, PackageMatch } from '../src/match/match-types.js';
import { schemeByName } from '../src/version/version-registry.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';
import type { VulnStore } from '../src/vulndb/vuln-types.js';
import Database from 'better-sqlite3';

const DATA = process.env['VIGIL_SHARED_DATA'] ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const ECOSYSTEMS: ReadonlyArray<[osv: string, eco: Ecosystem]> = [
  ['PyPI', 'pypi'],
  ['npm', 'npm'],
  ['Go', 'golang'],
];

const dir = mkdtempSync(join(tmpdir(), 'vigil-reviewed-'));
const db = await openVulnDb(join(dir, 'db.sqlite'));
try {
  await db.import([
    await osvFeed(join(DATA, 'osv/ghsa-reviewed.osv.jsonl.gz')),
    await osvFeed(join(DATA, 'osv/pypa-advisory-db.osv.jsonl.gz')),
    await osvFeed(join(DATA, 'osv/go-vulndb.osv.jsonl.gz')),
  ]);
  for (const [osv, eco] of ECOSYSTEMS) await measure(osv, eco);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function measure(osv: string, eco: Ecosystem): Promise<void> {
  const names = packageNames(osv);
  // The same store with every row's review flag hidden: the rule has nothing to act on.
  const blind: VulnStore = Object.create(db.store) as VulnStore;
  blind.affected = async (e, n) => (await db.store.affected(e, n)).map(({ reviewed: _r, ...row }) => row);
  const totals = { pairs: 0, before: 0, after: 0, dropped: 0, decided: 0 };
  for (let i = 0; i < names.length; i += 200) {
    const rows = await db.store.affected(osv, names.slice(i, i + 200));
    const pkgs = [
      ...new Map(
        rows.flatMap((r) => versionsOf(r).map((v) => pkg(eco, r.packageName, v))).map((p) => [p.id, p]),
      ).values(),
    ];
    totals.pairs += pkgs.length;
    const withRule = await findings(pkgs, db.store);
    const without = await findings(pkgs, blind);
    totals.after += withRule.groups;
    totals.before += without.groups;
    totals.dropped += withRule.dropped;
    totals.decided += withRule.decided;
  }
  console.log(
    `${osv}: ${names.length} packages, ${totals.pairs} (package, version) pairs; findings ${totals.before} → ` +
      `${totals.after} (${totals.before - totals.after} removed: a reviewed GHSA says not affected; ` +
      `${totals.dropped} record matches dropped); ${totals.decided} findings now decided by a reviewed GHSA ` +
      `with an unreviewed twin listed beside it`,
  );
}

async function findings(
  pkgs: Package[],
  store: VulnStore,
): Promise<{ groups: number; dropped: number; decided: number }> {
  const notes: MatchNote[] = [];
  const found = await languagePackageMatcher.match(pkgs, { store, schemes: (n) => schemeByName(n), notes });
  const records = await store.records([...new Set(found.map((m) => m.reason.recordId))]);
  // One finding per vulnerability per installed package: merge each (package, version) on its own.
  const byPackage = new Map<string, PackageMatch[]>();
  for (const m of found) byPackage.set(m.pkg.id, [...(byPackage.get(m.pkg.id) ?? []), m]);
  const groups = [...byPackage.values()].flatMap((ms) => mergeAliases(ms, records));
  return {
    groups: groups.length,
    dropped: notes.filter((n) => n.kind === 'superseded').length,
    decided: groups.filter((g) => g.matches.some((m) => m.reason.rule === 'reviewed-advisory')).length,
  };
}

function packageNames(ecosystem: string): string[] {
  const sqlite = new Database(join(dir, 'db.sqlite'), { readonly: true });
  try {
    const rows = sqlite
      .prepare('SELECT DISTINCT package_name AS n FROM affected WHERE ecosystem = ? ORDER BY 1')
      .all(ecosystem) as Array<{ n: string }>;
    return rows.map((r) => r.n);
  } finally {
    sqlite.close();
  }
}

function versionsOf(row: {
  ranges: { events: Array<Record<string, string>> }[];
  versions: string[];
}): string[] {
  const out = new Set(row.versions);
  for (const r of row.ranges)
    for (const e of r.events) for (const v of Object.values(e)) if (v !== '0') out.add(v);
  return [...out];
}

function pkg(eco: Ecosystem, name: string, version: string): Package {
  return {
    id: `${eco}:${name}@${version}`,
    name,
    version,
    ecosystem: eco,
    purl: `pkg:${eco}/${name}@${version}`,
    filePath: '/measure',
    foundBy: 'measure',
    scope: 'declared',
  };
}
