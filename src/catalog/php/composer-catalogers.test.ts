import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseComposerInstalled, parseComposerLock } from './composer-parser.js';
import { requireTool } from '../../../test/fixtures/required-tool.js';
import { sharedData } from '../../../test/fixtures/shared-data.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const read = (f: string): string => readFileSync(join(TESTDATA, f), 'utf8');
const ids = (pkgs: { name: string; version: string }[]): string[] =>
  pkgs.map((p) => `${p.name}@${p.version}`).sort();

/** The Laravel 7.12 SBOM (made by cyclonedx-php-composer from a real composer.lock): the fixtures' origin. */
function sbomComponents(): string[] {
  const sbom = JSON.parse(
    readFileSync(sharedData('examples/cyclonedx/laravel-7.12.0__bom.1.4.json'), 'utf8'),
  ) as { components: { group?: string; name: string; version: string }[] };
  return sbom.components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`).sort();
}

const DEV = ['fzaninotto/faker@v1.9.1', 'mockery/mockery@1.3.1', 'phpunit/phpunit@8.5.4'];

describe('composer.lock', () => {
  const pkgs = parseComposerLock(read('composer.lock'));

  it('packages equal the SBOM’s components; packages-dev are marked dev', () => {
    expect(ids(pkgs.filter((p) => !p.metadata?.['dev']))).toEqual(sbomComponents());
    expect(ids(pkgs.filter((p) => p.metadata?.['dev']))).toEqual(DEV);
    expect(pkgs.find((p) => p.name === 'laravel/framework')?.licenses).toEqual(['MIT']);
    expect(pkgs.every((p) => p.scope === 'declared' && p.ecosystem === 'composer')).toBe(true);
  });

  it('equals `composer show --locked` (Debian composer)', () => {
    requireTool('composer');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-composer-'));
    copyFileSync(join(TESTDATA, 'composer.lock'), join(dir, 'composer.lock'));
    writeFileSync(join(dir, 'composer.json'), '{"require":{}}\n');
    const out = execFileSync('composer', ['show', '--locked', '--format=json', '--no-interaction'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, COMPOSER_HOME: join(dir, 'home'), COMPOSER_DISABLE_NETWORK: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const locked = (JSON.parse(out) as { locked: { name: string; version: string }[] }).locked;
    expect(ids(pkgs)).toEqual(ids(locked));
    expect(locked).toHaveLength(65);
  });
});

describe('vendor/composer/installed.json', () => {
  it('Composer 2 form: packages, dev from dev-package-names', () => {
    const pkgs = parseComposerInstalled(read('installed.v2.json'));
    expect(ids(pkgs.filter((p) => !p.metadata?.['dev']))).toEqual(sbomComponents());
    expect(ids(pkgs.filter((p) => p.metadata?.['dev']))).toEqual(DEV);
    expect(pkgs.every((p) => p.scope === 'installed')).toBe(true);
  });

  it('Composer 1 form: a bare array', () => {
    const pkgs = parseComposerInstalled(read('installed.v1.json'));
    expect(ids(pkgs)).toEqual([
      'asm89/stack-cors@1.3.0',
      'brick/math@0.9.3',
      'doctrine/inflector@2.0.6',
      'doctrine/lexer@1.2.3',
      'dragonmantank/cron-expression@v2.3.1',
    ]);
  });
});
