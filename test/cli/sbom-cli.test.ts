import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { BIN, buildCli, runCli } from './built-cli.js';
import { cyclonedxErrors, spdx23Errors } from './sbom-checks.js';

type Json = Record<string, unknown>;
const sorted = (xs: unknown[]): string[] => xs.map(String).sort();

let root: string;
let work: string;
let inventory: Inventory;

beforeAll(async () => {
  [root] = await Promise.all([debianRootfs({ suite: 'bookworm' }), buildCli()]);
  work = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const r = await runCli(['sbom', root, '--format', 'json', '--output', join(work, 'inventory.json')]);
  expect(r.code, r.stderr).toBe(0);
  inventory = JSON.parse(readFileSync(join(work, 'inventory.json'), 'utf8')) as Inventory;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('vigil sbom on a debootstrap bookworm rootfs', () => {
  it('inventories the tree: the JSON inventory names the directory and its OS', () => {
    expect(inventory.source).toEqual({ type: 'directory', target: root });
    expect(inventory.os).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm' });
    // Whatever catalogers are registered, a minbase Debian has dpkg packages once dpkg-db is among them.
    if ('dpkg-db' in inventory.catalogers) {
      expect(inventory.packages.filter((p) => p.ecosystem === 'deb').length).toBeGreaterThan(80);
    }
  });

  it('CycloneDX 1.5 output validates and lists exactly the inventory packages', async () => {
    const r = await runCli(['sbom', root, '--format', 'cyclonedx-json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await cyclonedxErrors(r.stdout)).toBeNull();
    const libs = ((JSON.parse(r.stdout) as Json)['components'] as Json[]).filter(
      (c) => c['type'] === 'library',
    );
    expect(sorted(libs.map((c) => c['purl']))).toEqual(sorted(inventory.packages.map((p) => p.purl)));
    expect(sorted(libs.map((c) => c['bom-ref']))).toEqual(sorted(inventory.packages.map((p) => p.id)));
  });

  it('SPDX 2.3 output follows the spec rules and lists exactly the inventory packages', async () => {
    const out = join(work, 'sbom.spdx.json');
    const r = await runCli(['sbom', root, '-f', 'spdx-json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Json;
    expect(spdx23Errors(doc)).toEqual([]);
    const locators = (doc['packages'] as Json[]).flatMap((p) =>
      ((p['externalRefs'] ?? []) as Json[]).map((x) => x['referenceLocator']),
    );
    expect(sorted(locators)).toEqual(sorted(inventory.packages.map((p) => p.purl)));
  });

  it('prints a table by default, with the same count, and a summary on stderr without control codes', async () => {
    const r = await runCli(['sbom', root]);
    expect(r.code, r.stderr).toBe(0);
    const n = inventory.packages.length;
    expect(r.stdout).toContain(`${n} package${n === 1 ? '' : 's'}`);
    expect(r.stdout.split('\n').every((l) => l.length <= 100)).toBe(true);
    expect(r.stderr).toMatch(/^vigil sbom: \d+ packages?/);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('shows a progress bar on stderr only when stderr is a terminal', () => {
    // `script` gives the child a pseudo-terminal: the bar must appear there and only there.
    const r = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${BIN} sbom ${root} -o ${join(work, 'tty.txt')}`, '/dev/null'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('cataloging [');
    expect(readFileSync(join(work, 'tty.txt'), 'utf8')).not.toContain('cataloging');
  });
});

describe('vigil sbom exit codes and output safety', () => {
  it('exits 2 on an unknown format, before scanning', async () => {
    const r = await runCli(['sbom', root, '--format', 'cyclonedx-xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[USAGE]');
    expect(r.stderr).toContain('cyclonedx-json, spdx-json');
  });

  it('exits 2 when the path is missing', async () => {
    const r = await runCli(['sbom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'path'");
  });

  it('exits 1 when the path does not exist or is not a directory, leaving --output untouched', async () => {
    const out = join(work, 'keep.json');
    writeFileSync(out, 'previous content');
    const missing = await runCli(['sbom', join(work, 'no-such-dir'), '-o', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[SCAN_TARGET_INVALID]');
    const file = await runCli(['sbom', out, '-o', out]);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('not a directory');
    expect(readFileSync(out, 'utf8')).toBe('previous content');
  });

  it('exits 1 when --output cannot be written, and leaves no temp file behind', async () => {
    const r = await runCli(['sbom', root, '-f', 'json', '-o', join(work, 'no-such-dir', 'x.json')]);
    expect(r.code).toBe(1);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing output file whole, and writes through /dev/null without replacing it', async () => {
    const out = join(work, 'replace.json');
    writeFileSync(out, 'x'.repeat(10_000_000));
    expect((await runCli(['sbom', root, '-f', 'json', '-o', out])).code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Inventory).packages).toHaveLength(
      inventory.packages.length,
    );
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await runCli(['sbom', root, '-o', '/dev/null'])).code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('vigil sbom / (this host)', () => {
  it('scans the live host without its virtual trees', { timeout: 600_000 }, async () => {
    const out = join(work, 'host.json');
    const r = await runCli(['sbom', '/', '-f', 'json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const host = JSON.parse(readFileSync(out, 'utf8')) as Inventory;
    expect(host.source.type).toBe('host');
    expect(host.os?.id).toBe('debian');
    const virtual = host.unknowns.filter((u) => /^\/(proc|sys|dev|run|tmp)\//.test(u.path));
    expect(virtual).toEqual([]);
  });
});
