import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../../src/core/inventory.js';
import type { Package } from '../../src/core/package.js';
import { schemeByName } from '../../src/version/version-registry.js';
import { sharedData } from '../fixtures/shared-data.js';

/**
 * A data change cut from the real Debian OSV data (../shared/data): the records naming a few dozen
 * common source packages on Debian 11 and 12, split by `modified` into "before" (the DB a server
 * starts on) and "after" (what the next update brings), plus the withdrawal of one "before" record.
 */
export const SOURCES = [
  'openssl',
  'curl',
  'zlib',
  'sudo',
  'tar',
  'expat',
  'libxml2',
  'systemd',
  'openssh',
  'gnutls28',
  'krb5',
  'sqlite3',
  'libxslt',
  'e2fsprogs',
  'bash',
  'ncurses',
  'perl',
  'glib2.0',
  'libgcrypt20',
  'nghttp2',
  'libssh2',
  'shadow',
] as const;

/** Records modified after this are "after": the last few dozen of the selection, naming about half the sources. */
export const CUTOFF = '2025-01-17T00:00:00Z';
export const FEED = 'osv-debian';

export interface OsvDoc {
  id: string;
  modified: string;
  withdrawn?: string;
  affected?: Array<{ package: { ecosystem: string; name: string } }>;
}

export interface DataChange {
  beforeFile: string;
  /** The "after" records (JSON lines); the test adds the withdrawal of a record it saw matched. */
  afterLines: string[];
  /** (ecosystem, name) pairs the "after" records name: `Debian:12\0openssl`. */
  afterKeys: Set<string>;
  /** The "before" records by id, to withdraw one. */
  beforeById: Map<string, OsvDoc>;
  /** Per source package: a version from the middle of its Debian 12 fixed versions. */
  versions: Map<string, string>;
}

export function keysOf(d: OsvDoc): string[] {
  return (d.affected ?? []).map((a) => `${a.package.ecosystem}\0${a.package.name}`);
}

export async function cutDataChange(dir: string): Promise<DataChange> {
  const wanted = new Set<string>(SOURCES);
  const before: string[] = [];
  const after: string[] = [];
  const afterKeys = new Set<string>();
  const beforeById = new Map<string, OsvDoc>();
  const lines = createInterface({
    input: createReadStream(sharedData('debian', 'debian-osv.jsonl.gz')).pipe(createGunzip()),
  });
  for await (const line of lines) {
    if (!line.includes('"Debian:12"') && !line.includes('"Debian:11"')) continue;
    const doc = JSON.parse(line) as OsvDoc;
    const names = (doc.affected ?? []).filter((a) => /^Debian:1[12]$/.test(a.package.ecosystem));
    if (!names.some((a) => wanted.has(a.package.name))) continue;
    if (doc.modified > CUTOFF) {
      after.push(line);
      for (const k of keysOf(doc)) afterKeys.add(k);
    } else {
      before.push(line);
      beforeById.set(doc.id, doc);
    }
  }
  const beforeFile = join(dir, 'before.jsonl');
  writeFileSync(beforeFile, before.join('\n') + '\n');
  return { beforeFile, afterLines: after, afterKeys, beforeById, versions: await midVersions() };
}

/** The record as its feed withdraws it: same id and rows, a later `modified` and `withdrawn` set. */
export function withdrawalOf(doc: OsvDoc): string {
  return JSON.stringify({ ...doc, modified: '2025-03-01T00:00:00Z', withdrawn: '2025-03-01T00:00:00Z' });
}

/** A version per source from the middle of its fixed versions in the Debian 12 index: some CVEs fixed, some not. */
async function midVersions(): Promise<Map<string, string>> {
  const deb = schemeByName('deb');
  const fixed = new Map<string, string[]>();
  const lines = createInterface({
    input: createReadStream(sharedData('debian', 'debian12-index.tsv.gz')).pipe(createGunzip()),
  });
  for await (const line of lines) {
    const [, source = '', version = ''] = line.split('\t');
    if (!(SOURCES as readonly string[]).includes(source) || !deb.isValid(version)) continue;
    const list = fixed.get(source) ?? [];
    list.push(version);
    fixed.set(source, list);
  }
  const out = new Map<string, string>();
  for (const s of SOURCES) {
    const list = (fixed.get(s) ?? ['1.0-1']).sort((a, b) => deb.compare(a, b));
    out.set(s, list[Math.floor(list.length / 2)] ?? '1.0-1');
  }
  return out;
}

export interface HostSpec {
  id: string;
  release: '11' | '12';
  sources: readonly string[];
  /** npm packages (never named by Debian data). */
  npm?: ReadonlyArray<readonly [string, string]>;
}

/** A host inventory as an agent would send it: one binary package per source, `lib<source>-bin`. */
export function hostInventory(h: HostSpec, versions: ReadonlyMap<string, string>): Inventory {
  const packages: Package[] = h.sources.map((s) => {
    const version = versions.get(s) ?? '1.0-1';
    return {
      id: `${h.id}-${s}`,
      name: `${s}-bin`,
      version,
      ecosystem: 'deb',
      purl: `pkg:deb/debian/${s}-bin@${version}?distro=debian-${h.release}`,
      sourceName: s,
      sourceVersion: version,
      filePath: '/var/lib/dpkg/status',
      foundBy: 'dpkg',
      scope: 'installed',
    };
  });
  for (const [name, version] of h.npm ?? [])
    packages.push({
      id: `${h.id}-npm-${name}`,
      name,
      version,
      ecosystem: 'npm',
      purl: `pkg:npm/${name}@${version}`,
      filePath: `/srv/app/node_modules/${name}/package.json`,
      foundBy: 'npm',
      scope: 'installed',
    });
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    source: { type: 'host', target: h.id },
    os: {
      id: 'debian',
      idLike: [],
      versionId: h.release,
      release: h.release,
      codename: h.release === '12' ? 'bookworm' : 'bullseye',
      sources: ['/etc/os-release'],
    },
    packages,
    unknowns: [],
    catalogers: { dpkg: 1 },
    createdAt: '2026-06-01T00:00:00.000Z',
  };
}

/** The (ecosystem, name) keys an inventory's Debian packages are looked up by (release + source name). */
export function debianKeysOf(inv: Inventory): string[] {
  const release = inv.os?.release ?? '';
  return inv.packages
    .filter((p) => p.ecosystem === 'deb')
    .map((p) => `Debian:${release}\0${p.sourceName ?? p.name}`);
}
