import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { buildCli, runCli, type CliRun } from '../cli/built-cli.js';
import { worldReadableCli } from '../cli/cli-copy.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { requireTool } from '../fixtures/required-tool.js';
import { buildHostileTree, type HostileCase, type HostileTree } from './hostile-rootfs.js';

const NOBODY = 65534;
let work: string;
let tree: HostileTree;
/** The CLI as nobody can run it, wherever the clone lives. */
let cliCopy: { root: string; bin: string };

beforeAll(async () => {
  const [bookworm] = await Promise.all([debianRootfs({ suite: 'bookworm' }), buildCli()]);
  work = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
  chmodSync(work, 0o755); // the unprivileged scan must reach everything but the one 000 directory
  tree = buildHostileTree(work, bookworm);
  cliCopy = worldReadableCli();
});

afterAll(() => {
  chmodSync(join(tree.root, 'usr/lib/node_modules/private'), 0o755);
  rmSync(work, { recursive: true, force: true });
  rmSync(cliCopy.root, { recursive: true, force: true });
});

/** Cases whose cataloger ran: a cataloger not (yet) registered never looks at its paths. */
function applicable(inv: Inventory, unprivileged: boolean): HostileCase[] {
  const skipped = tree.cases.filter((c) => !(c.needs in inv.catalogers));
  if (skipped.length > 0)
    console.warn(`hostile cases not checked (cataloger absent): ${skipped.map((c) => c.path).join(', ')}`);
  return tree.cases.filter((c) => c.needs in inv.catalogers && (unprivileged || !c.unprivilegedOnly));
}

function expectSafe(run: CliRun): Inventory {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stdout + run.stderr).not.toContain(tree.sentinel);
  expect((run.stdout + run.stderr).toLowerCase()).not.toContain(tree.sentinel.toLowerCase());
  return JSON.parse(run.stdout) as Inventory;
}

function expectRecorded(inv: Inventory, cases: HostileCase[]): void {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) {
    const found = inv.unknowns.filter((u) => u.path === c.path).map((u) => u.reason);
    expect({ case: c.what, path: c.path, reasons: found }).toEqual({
      case: c.what,
      path: c.path,
      reasons: expect.arrayContaining([expect.toBeOneOf([...c.reasons])]) as unknown,
    });
  }
}

describe('hostile root filesystem', () => {
  it('as root: no crash, nothing opened outside the root, every case an unknown with its reason', async () => {
    const trace = join(work, 'strace.txt');
    // strace records every open the CLI makes: none may name a path under the outside directory.
    const strace = ['strace', '-f', '-qq', '-e', 'trace=open,openat,openat2', '-o', trace];
    const run = await runCli(['sbom', tree.root, '--format', 'json'], { prefix: strace });
    const inv = expectSafe(run);
    const opened = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"${tree.outside}`));
    expect(opened).toEqual([]);
    expectRecorded(inv, applicable(inv, false));
    if ('dpkg-db' in inv.catalogers) {
      // The stanzas before the cut are still inventoried: damage costs only what it damaged.
      expect(inv.packages.filter((p) => p.foundBy === 'dpkg-db').length).toBeGreaterThan(20);
    }
    if ('npm-installed' in inv.catalogers) {
      expect(inv.packages.map((p) => p.name)).toContain('private-pkg');
    }
  });

  it('as an unprivileged user: the unreadable directory is recorded, the rest as before', async () => {
    requireTool('setpriv');
    const run = await runCli(['sbom', tree.root, '--format', 'json'], {
      asUser: NOBODY,
      bin: cliCopy.bin,
      cwd: cliCopy.root,
    });
    const inv = expectSafe(run);
    expectRecorded(inv, applicable(inv, true));
    expect(inv.packages.map((p) => p.name)).not.toContain('private-pkg');
  });

  it('every format survives the tree and names its unknowns', async () => {
    for (const format of ['table', 'cyclonedx-json', 'spdx-json']) {
      const run = await runCli(['sbom', tree.root, '--format', format]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toContain(tree.sentinel);
      if (CATALOGERS.some((c) => c.name === 'npm-installed')) {
        expect(run.stdout).toContain('/usr/lib/node_modules/loop-a/package.json');
      }
    }
  });
});
