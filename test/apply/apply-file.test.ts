import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { APPLY_KINDS } from '../../src/cli/apply/apply-kinds.js';
import { vigil } from './apply-harness.js';

/**
 * The apply file without a server: the schema vigil publishes (draft 2020-12, strict) and what it
 * accepts, and the problems found before any request (each with its path), which exit 1 with the
 * stable code APPLY_FILE_INVALID; flags missing are usage errors (exit 2).
 */
const EXAMPLE = join(import.meta.dirname, '../../examples/organization.yaml');
const dir = mkdtempSync(join(tmpdir(), 'vigil-apply-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const SERVER = ['--server', 'http://127.0.0.1:9', '--api-key-file', '/nonexistent/key'];

describe('vigil apply --schema', () => {
  it('prints a draft 2020-12 schema that compiles strictly, accepts the example and names every kind', async () => {
    const r = await vigil(['apply', '--schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as {
      $schema: string;
      $defs: { account: { properties: Record<string, unknown> } };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
    addFormats.default(ajv, ['date-time']);
    const validate = ajv.compile(schema);
    expect(validate(parse(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(schema.$defs.account.properties).sort()).toEqual(
      ['id', 'name', ...APPLY_KINDS.map((k) => k.key)].sort(),
    );
    expect(validate({ apiVersion: 'vigil/v1', accounts: [{ id: 'a', webhook: [] }] })).toBe(false);
  });
});

describe('problems found before any request', () => {
  const cases: Array<[string, string, string]> = [
    [
      'an unknown top-level key',
      'apiVersion: vigil/v1\norganisation: { name: X }\n',
      '  organisation (line 2): unknown key',
    ],
    ['a wrong apiVersion', 'apiVersion: vigil/v2\n', '  apiVersion (line 1): must be one of "vigil/v1"'],
    ['not YAML', 'apiVersion: [vigil\n', 'line 2'],
    [
      'two rules of one name',
      'apiVersion: vigil/v1\naccounts:\n  - id: a\n    suppressionRules:\n      - { name: r, reason: x, filter: {} }\n      - { name: r, reason: y, filter: {} }\n',
      '  accounts[0].suppressionRules[1] (line 6): a second suppression rule "r" (the first is suppressionRules[0])',
    ],
    [
      'an account twice',
      'apiVersion: vigil/v1\naccounts:\n  - id: a\n  - id: a\n',
      '  accounts[1].id (line 4): account "a" is also accounts[0]',
    ],
    [
      'a bad filter field',
      'apiVersion: vigil/v1\naccounts:\n  - id: a\n    suppressionRules:\n      - name: r\n        reason: x\n        filter: { severty: [] }\n',
      '  accounts[0].suppressionRules[0].filter.severty (line 7): unknown key',
    ],
  ];
  it.each(cases)('%s', async (_what, text, problem) => {
    const f = file('bad.yaml', text);
    const r = await vigil(['apply', f, ...SERVER]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `vigil: error [APPLY_FILE_INVALID]: ${f} is not a valid apply file; nothing was applied:`,
    );
    expect(r.stderr).toContain(problem);
  });

  it('needs a file, a server and a key (usage errors, exit 2)', async () => {
    const ok = file('ok.yaml', 'apiVersion: vigil/v1\n');
    expect((await vigil(['apply'])).code).toBe(2);
    const noServer = await vigil(['apply', ok, '--api-key-file', ok]);
    expect(noServer.stderr).toContain('name the server: --server URL or VIGIL_SERVER');
    expect(noServer.code).toBe(2);
    const noKey = await vigil(['apply', ok, ...SERVER]);
    expect(noKey.stderr).toContain('cannot read the API key file /nonexistent/key');
    expect(noKey.code).toBe(2);
  });
});
