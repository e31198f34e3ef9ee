import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { pdmLockCataloger, uvLockCataloger } from './python-declared-catalogers.js';

const run = promisify(execFile);
const TESTDATA = join(import.meta.dirname, 'testdata');
const ORACLE = join(TESTDATA, 'oracle/py_lock_oracle.py');

/** Python's tomllib + packaging read the same lockfile; every pin must be one pip's parser accepts. */
async function oracle(kind: 'uv' | 'pdm', file: string): Promise<string[]> {
  try {
    const { stdout } = await run('/usr/bin/python3', [ORACLE, kind, file]);
    return JSON.parse(stdout) as string[];
  } catch (err) {
    throw new Error(
      `the Python oracle failed (Debian packages python3-pip, python3-packaging): ${String(err)}`,
    );
  }
}

async function vigil(dir: string, cataloger: typeof uvLockCataloger): Promise<string[]> {
  const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, dir)), [cataloger]);
  expect(r.unknowns).toEqual([]);
  return r.packages.map((p) => `${p.name}@${p.version} ${p.metadata?.['dev'] ? 'dev' : 'prod'}`).sort();
}

describe('uv.lock and pdm.lock, against Python reading the same files', () => {
  it('uv.lock: registry and git packages; the editable project left out; dev groups only the dev roots reach', async () => {
    const got = await vigil('uv', uvLockCataloger);
    expect(got).toEqual(await oracle('uv', join(TESTDATA, 'uv/uv.lock')));
    expect(got).toContain('urllib3@1.24.1 prod');
    expect(got).toContain('pytest@8.1.1 dev');
    expect(got).toContain('pysocks@1.7.1 prod'); // an extra of the project is production
    expect(got).toContain('tomli-fork@2.0.1 prod'); // a git source: listed, nothing reaches it
    expect(got.some((l) => l.startsWith('demo-service@'))).toBe(false);
  });

  it('pdm.lock: groups outside "default" are dev; an entry per extra is the same package', async () => {
    const got = await vigil('pdm', pdmLockCataloger);
    expect(got).toEqual(await oracle('pdm', join(TESTDATA, 'pdm/pdm.lock')));
    expect(got.filter((l) => l.startsWith('requests@'))).toEqual(['requests@2.19.1 prod']);
    expect(got).toContain('packaging@24.0 prod');
    expect(got).toContain('pluggy@1.4.0 dev');
  });
});
