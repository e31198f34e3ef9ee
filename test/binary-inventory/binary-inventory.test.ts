import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers, type CatalogResult } from '../../src/catalog/catalog-runner.js';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { goFixtureBinary } from './go-fixture.js';
import { goVersionM } from './go-oracle.js';
import { javaFixture } from './java-fixture.js';
import { auditableBinary } from './rust-fixture.js';

const SRC = join(import.meta.dirname, '../../src/catalog');
const UMOCI = '/usr/bin/umoci';

/**
 * One root filesystem holding every kind of file the language catalogers read, run through the whole
 * registry: each file is claimed by the right cataloger, and by no other.
 */
let root: string;
let result: CatalogResult;
let goBinary: string;

function put(from: string, to: string): void {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(from, join(root, to));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigil-binaries-'));
  goBinary = await goFixtureBinary();
  const java = await javaFixture();
  put(goBinary, 'usr/local/bin/app');
  if (existsSync(UMOCI)) put(UMOCI, 'usr/bin/umoci');
  const rustDir = mkdtempSync(join(tmpdir(), 'vigil-rust-e2e-'));
  put(
    auditableBinary(rustDir, deflateSync(readFileSync(join(SRC, 'rust/testdata/audit-data.json')))),
    'opt/grep-tool/bin/grep-tool',
  );
  put(java.bootJar, 'srv/boot.jar');
  put(join(SRC, 'go/testdata/go.mod'), 'src/service/go.mod');
  put(join(SRC, 'rust/testdata/Cargo.v3.lock'), 'src/rusty/Cargo.lock');
  put(join(SRC, 'ruby/testdata/Gemfile.lock'), 'srv/rails/Gemfile.lock');
  put(
    join(SRC, 'ruby/testdata/handwritten.gemspec'),
    'usr/lib/ruby/gems/3.1.0/specifications/acme-client-2.0.18.gemspec',
  );
  put(join(SRC, 'php/testdata/composer.lock'), 'var/www/composer.lock');
  put(join(SRC, 'php/testdata/installed.v2.json'), 'var/www/vendor/composer/installed.json');
  put(join(SRC, 'dotnet/testdata/WebApp.deps.json'), 'app/WebApp.deps.json');
  put(join(SRC, 'dotnet/testdata/packages.lock.json'), 'src/web/packages.lock.json');
  result = await runCatalogers(new DirectoryResolver(root), CATALOGERS);
});

function foundAt(cataloger: string): string[] {
  return [
    ...new Set(
      result.packages
        .filter((p) => p.foundBy === cataloger)
        .map((p) => p.filePath.split('!/')[0] ?? p.filePath),
    ),
  ];
}

describe('language and binary catalogers through the registry', () => {
  it('each file is claimed by its cataloger only', () => {
    expect(foundAt('go-binary').sort()).toEqual(
      existsSync(UMOCI) ? ['/usr/bin/umoci', '/usr/local/bin/app'] : ['/usr/local/bin/app'],
    );
    expect(foundAt('rust-audit-binary')).toEqual(['/opt/grep-tool/bin/grep-tool']);
    expect(foundAt('java-archive')).toEqual(['/srv/boot.jar']);
    expect(foundAt('go-mod')).toEqual(['/src/service/go.mod']);
    expect(foundAt('cargo-lock')).toEqual(['/src/rusty/Cargo.lock']);
    expect(foundAt('gemfile-lock')).toEqual(['/srv/rails/Gemfile.lock']);
    expect(foundAt('gemspec')).toEqual([
      '/usr/lib/ruby/gems/3.1.0/specifications/acme-client-2.0.18.gemspec',
    ]);
    expect(foundAt('composer-lock')).toEqual(['/var/www/composer.lock']);
    expect(foundAt('composer-installed')).toEqual(['/var/www/vendor/composer/installed.json']);
    expect(foundAt('dotnet-deps')).toEqual(['/app/WebApp.deps.json']);
    expect(foundAt('nuget-lock')).toEqual(['/src/web/packages.lock.json']);
    expect(result.unknowns).toEqual([]);
  });

  it('the Go binary copied into the root still equals `go version -m` of the original', () => {
    const oracle = goVersionM(goBinary);
    const got = result.packages
      .filter(
        (p) => p.filePath === '/usr/local/bin/app' && p.name !== 'stdlib' && !p.metadata?.['mainModule'],
      )
      .map((p) => p.metadata?.['replaces']?.split('@')[0] ?? p.name)
      .sort();
    expect(got).toEqual(oracle.deps.map((d) => d.path).sort());
  });

  it('purls per ecosystem', () => {
    const purls = new Set(result.packages.map((p) => p.purl));
    for (const purl of [
      'pkg:golang/example.com/dep@v1.4.0',
      'pkg:golang/github.com/spf13/cobra@v1.8.0',
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4.2',
      'pkg:cargo/memchr@2.7.4',
      'pkg:cargo/regex@1.5.4',
      'pkg:gem/nokogiri@1.16.2',
      'pkg:gem/acme-client@2.0.18',
      'pkg:composer/laravel/framework@v7.30.6',
      'pkg:nuget/Serilog@2.12.0',
    ]) {
      expect(purls, purl).toContain(purl);
    }
  });
});
