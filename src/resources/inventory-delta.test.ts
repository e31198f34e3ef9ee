import { describe, expect, it } from 'vitest';
import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import { inventoryDelta, type KnownInventory } from './inventory-delta.js';
import { prepareInventoryIndex } from './inventory-index.js';

const OS = {
  id: 'debian',
  idLike: [],
  versionId: '12',
  release: '12',
  codename: 'bookworm',
  sources: [],
} as unknown as OsInfo;

function deb(name: string, version: string, source = name): Package {
  return {
    id: `deb-${name}-${version}`,
    name,
    version,
    ecosystem: 'deb',
    purl: `pkg:deb/debian/${name}@${version}?distro=debian-12`,
    sourceName: source,
    sourceVersion: version,
    filePath: '/var/lib/dpkg/status',
    foundBy: 'dpkg-db',
    scope: 'installed',
  };
}

/** What the server would hold after storing `packages`: the stored index rows, as read back. */
function known(packages: Package[]): KnownInventory {
  const index = prepareInventoryIndex({ packages, os: OS });
  return {
    updatedAt: '2026-03-01T00:00:00.000Z',
    osJson: index.os ? JSON.stringify(index.os) : null,
    rows: index.rows.map((r) => ({
      component: r.component,
      packageKey: r.package_key,
      ecosystem: r.ecosystem_key,
      name: r.package_name,
      version: r.version,
      digest: r.packages_digest ?? '',
      positionsJson: r.positions_json,
    })),
  };
}

/** `os` null: the new inventory names no OS. */
const delta = (before: Package[], after: Package[], os: OsInfo | null = OS) =>
  inventoryDelta(known(before), prepareInventoryIndex(os ? { packages: after, os } : { packages: after }));

describe('inventoryDelta', () => {
  const base = [deb('libssl3', '3.0.11-1', 'openssl'), deb('openssl', '3.0.11-1'), deb('zlib1g', '1.2.13')];

  it('nothing changed: no component to match', () => {
    expect(delta(base, base)).toEqual({ components: [], scope: [] });
  });

  it('a package removed elsewhere shifts places only: the other components are unchanged', () => {
    const [ssl, openssl] = base;
    expect(delta([deb('adduser', '3.134'), ...base], base)).toEqual({
      components: [expect.stringContaining('adduser')],
      scope: ['deb:adduser'],
    });
    expect(delta(base, [ssl as Package, openssl as Package])?.scope).toEqual(['deb:zlib1g']);
  });

  it('one binary of a source upgraded: its whole source component, nothing else', () => {
    const upgraded = [
      deb('libssl3', '3.0.13-1', 'openssl'),
      deb('openssl', '3.0.11-1'),
      deb('zlib1g', '1.2.13'),
    ];
    const d = delta(base, upgraded);
    expect(d?.scope).toEqual(['deb:openssl']);
    expect(d?.components).toHaveLength(1);
  });

  it('another OS release, or no OS: undefined (every match may change)', () => {
    const trixie = { ...OS, versionId: '13', release: '13', codename: 'trixie' } as OsInfo;
    expect(delta(base, base, trixie)).toBeUndefined();
    expect(delta(base, base, null)).toBeUndefined();
  });
});
