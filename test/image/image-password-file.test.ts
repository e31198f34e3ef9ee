import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../cli/built-cli.js';
import { builtImage } from './fixtures/image-builder.js';
import { PASSWORD, push, startRegistry, USER, type RunningRegistry } from './fixtures/registry-server.js';

/**
 * The registry password from a file (`--password-file`), so it is never on a command line that `ps`
 * shows; the plain `--password` still works but warns. Against Debian's docker-registry with htpasswd.
 */
const work = mkdtempSync(join(tmpdir(), 'vigil-password-file-'));
let reg: RunningRegistry;

beforeAll(async () => {
  const [image] = await Promise.all([builtImage(), buildCli()]);
  reg = await startRegistry('htpasswd');
  await push(image.layout, 'l2', reg, 'vigil/test:l2', ['--dest-creds', `${USER}:${PASSWORD}`]);
}, 600_000);
afterAll(async () => {
  await reg.stop();
  rmSync(work, { recursive: true, force: true });
});

function sbomImage(name: string, ...credentials: string[]) {
  const out = join(work, `${name}.json`);
  const ref = `${reg.host}/vigil/test:l2`;
  return {
    out,
    run: runCli(
      ['sbom', 'image', ref, '--insecure', '-f', 'json', '-o', out, '--username', USER, ...credentials],
      {
        prefix: ['env', `VIGIL_CACHE_DIR=${join(work, `cache-${name}`)}`, 'DOCKER_CONFIG=/nonexistent'],
      },
    ),
  };
}

describe('vigil sbom image --password-file', () => {
  it('reads the password from the file (its trailing newline ignored) and inventories the image, silently', async () => {
    const file = join(work, 'registry-password');
    writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
    const { out, run } = sbomImage('file', '--password-file', file);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning');
    const inv = JSON.parse(readFileSync(out, 'utf8')) as { packages: unknown[] };
    expect(inv.packages.length).toBeGreaterThan(80);
  });

  it('a wrong password in the file is refused by the registry', async () => {
    const file = join(work, 'wrong-password');
    writeFileSync(file, 'not-the-password\n');
    const r = await sbomImage('wrong', '--password-file', file).run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[REGISTRY_AUTH_FAILED\]/);
  });

  it('--password still works, with a warning that ps shows it', async () => {
    const r = await sbomImage('flag', '--password', PASSWORD).run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: --password puts a secret where ps shows it .* use --password-file or VIGIL_REGISTRY_PASSWORD instead$/m,
    );
  });
});
