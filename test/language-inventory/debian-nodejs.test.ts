import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../../src/catalog/catalog-runner.js';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { npmInstalledCataloger } from '../../src/catalog/npm/npm-installed-cataloger.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { aptRootfs } from './apt-rootfs.js';
import { dpkgOwner } from './dpkg-owner.js';

const run = promisify(execFile);

/**
 * Debian's own Node.js, inside the chroot: every module root in its global module dirs (module.globalPaths),
 * scoped ones included, with the name and version from its package.json.
 */
const NODE_GLOBALS = `
const fs = require('fs'), path = require('path');
const out = [];
for (const dir of require('module').globalPaths.filter((d) => fs.existsSync(d))) {
  for (const e of fs.readdirSync(dir)) {
    const names = e.startsWith('@') ? fs.readdirSync(path.join(dir, e)).map((n) => e + '/' + n) : [e];
    for (const n of names) {
      const file = path.join(dir, n, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name && pkg.version) out.push([pkg.name, pkg.version, file]);
    }
  }
}
out.push(['require:semver', require('semver/package.json').version, ''], ['require:ms', require('ms/package.json').version, '']);
console.log(JSON.stringify(out));
`;

let root: string;
let modules: [string, string, string][];
let resolved: Map<string, string>;
beforeAll(async () => {
  root = await aptRootfs(['node-ms', 'node-semver']);
  const { stdout } = await run('chroot', [root, '/usr/bin/nodejs', '-e', NODE_GLOBALS]);
  const all = JSON.parse(stdout) as [string, string, string][];
  modules = all.filter(([n]) => !n.startsWith('require:'));
  resolved = new Map(all.filter(([n]) => n.startsWith('require:')).map(([n, v]) => [n.slice(8), v]));
}, 900_000);

describe("Debian's node-* packages installed by apt-get in a bookworm chroot", () => {
  it("equal the module roots in Debian Node.js's global module dirs", async () => {
    const result = await runCatalogers(new DirectoryResolver(root), [npmInstalledCataloger]);
    const got = result.packages.map((p) => `${p.name}@${p.version} ${p.filePath}`).sort();
    expect(got).toEqual(modules.map(([n, v, f]) => `${n}@${v} ${f}`).sort());
    expect(modules.length).toBeGreaterThan(10);
    // The modules `require` loads are the ones inventoried.
    for (const [name, version] of resolved)
      expect(got).toContain(`${name}@${version} /usr/share/nodejs/${name}/package.json`);
  });

  it('are marked OS-managed by the owning deb and its source, with the full cataloger list', async () => {
    expect(CATALOGERS.map((c) => c.name)).toContain('dpkg-db');
    const result = await runCatalogers(new DirectoryResolver(root), CATALOGERS);
    const npm = result.packages.filter((p) => p.ecosystem === 'npm');
    expect(npm.length).toBe(modules.length);
    for (const p of npm) {
      expect({ path: p.filePath, owner: p.osManagedBy }).toEqual({
        path: p.filePath,
        owner: expect.objectContaining(await dpkgOwner(root, p.filePath)) as unknown,
      });
    }
    expect(npm.find((p) => p.name === 'semver')?.osManagedBy).toMatchObject({ name: 'node-semver' });
  });
});
