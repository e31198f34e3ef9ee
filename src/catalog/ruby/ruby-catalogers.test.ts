import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../../test/fixtures/required-tool.js';
import { parseGemfileLock } from './gemfile-lock-parser.js';
import { parseGemspec } from './gemspec-parser.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

function ruby(script: string, args: string[], env: Record<string, string> = {}): string {
  requireTool('ruby');
  return execFileSync('ruby', ['-e', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 16 << 20,
  });
}

/** The oracle: RubyGems itself evaluates each gemspec (vigil never does). */
function rubygemsLoad(files: string[]): string[] {
  const out = ruby(
    'ARGV.each { |f| s = Gem::Specification.load(f); puts [s.name, s.version, s.platform].join(" ") }',
    files,
  );
  return out.split('\n').filter(Boolean);
}

function ours(files: string[]): string[] {
  return files.map((f) => {
    const d = parseGemspec(readFileSync(f, 'utf8'));
    return [d?.name, d?.version, d?.metadata?.['platform'] ?? 'ruby'].join(' ');
  });
}

function gemspecsIn(dir: string): string[] {
  return ['specifications', 'specifications/default'].flatMap((sub) => {
    const d = join(dir, sub);
    return existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith('.gemspec'))
          .map((f) => join(d, f))
      : [];
  });
}

describe('gemspec parser against RubyGems', () => {
  it('every installed gemspec of this machine’s Ruby (default and bundled gems)', () => {
    const paths = ruby('puts Gem.path', []).split('\n').filter(Boolean);
    const files = paths.flatMap(gemspecsIn).sort();
    expect(files.length).toBeGreaterThan(10);
    expect(ours(files)).toEqual(rubygemsLoad(files));
  });

  it('a gem built and installed offline with a platform, then read from its installed spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-gem-'));
    writeFileSync(
      join(dir, 'tiny.gemspec'),
      `Gem::Specification.new do |s|\n  s.name = "tiny-native"\n  s.version = "0.3.1.pre"\n  s.summary = "t"\n  s.authors = ["a"]\n  s.files = []\n  s.licenses = ["MIT", "Apache-2.0"]\n  s.platform = "x86_64-linux"\nend\n`,
    );
    execFileSync('gem', ['build', 'tiny.gemspec'], { cwd: dir, stdio: 'pipe' });
    const home = join(dir, 'home');
    mkdirSync(home);
    execFileSync(
      'gem',
      [
        'install',
        '--local',
        '--no-document',
        '--install-dir',
        home,
        'tiny-native-0.3.1.pre-x86_64-linux.gem',
      ],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
    const files = gemspecsIn(home);
    expect(files).toHaveLength(1);
    expect(ours(files)).toEqual(rubygemsLoad(files));
    expect(parseGemspec(readFileSync(files[0] as string, 'utf8'))?.licenses).toEqual(['MIT', 'Apache-2.0']);
  });

  it('a hand-written gemspec: single quotes, Gem::Version.new, spec.license', () => {
    const f = join(TESTDATA, 'handwritten.gemspec');
    expect(ours([f])).toEqual(rubygemsLoad([f]));
    expect(parseGemspec(readFileSync(f, 'utf8'))?.licenses).toEqual(['MIT']);
  });
});

/** The oracle: Bundler's own lockfile parser (it wants some Gemfile to anchor relative paths). */
function bundlerSpecs(lockfile: string): string[] {
  const anchor = mkdtempSync(join(tmpdir(), 'vigil-gemfile-'));
  writeFileSync(join(anchor, 'Gemfile'), '');
  const out = ruby(
    'require "bundler"; Bundler::LockfileParser.new(File.read(ARGV[0])).specs.each { |s| puts "#{s.name}@#{s.version}" }',
    [lockfile],
    { BUNDLE_GEMFILE: join(anchor, 'Gemfile'), HOME: anchor },
  );
  return [...new Set(out.split('\n').filter(Boolean))].sort();
}

const lockSummary = (text: string): string[] =>
  parseGemfileLock(text)
    .map((p) => `${p.name}@${p.version}`)
    .sort();

describe('Gemfile.lock parser', () => {
  const fixture = join(TESTDATA, 'Gemfile.lock');
  it('GEM, PATH and GIT specs; platform suffixes split off into metadata', () => {
    const pkgs = parseGemfileLock(readFileSync(fixture, 'utf8'));
    const nokogiri = pkgs.filter((p) => p.name === 'nokogiri');
    expect(nokogiri.map((p) => [p.version, p.metadata?.['platforms']])).toEqual([
      ['1.16.2', 'arm64-darwin,x86_64-linux'],
    ]);
    expect(pkgs.find((p) => p.name === 'sqlite3')?.version).toBe('1.7.2');
    expect(pkgs.find((p) => p.name === 'billing')?.metadata?.['sourceKind']).toBe('path');
    expect(pkgs.find((p) => p.name === 'sprockets-rails')?.metadata?.['sourceKind']).toBe('git');
    expect(pkgs.find((p) => p.name === 'rack')?.metadata?.['remote']).toBe('https://rubygems.org/');
    expect(pkgs).toHaveLength(10);
  });

  it('equals Bundler::LockfileParser on the fixture', () => {
    expect(lockSummary(readFileSync(fixture, 'utf8'))).toEqual(bundlerSpecs(fixture));
  });

  it('a lockfile written by `bundle lock --local` from the installed gems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
    writeFileSync(
      join(dir, 'Gemfile'),
      'source "https://rubygems.org"\ngem "rake"\ngem "minitest"\ngem "power_assert"\n',
    );
    const bundle = ruby('print Gem.bin_path("bundler", "bundle")', []);
    execFileSync('ruby', [bundle, 'lock', '--local'], {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, HOME: dir },
    });
    const lock = join(dir, 'Gemfile.lock');
    expect(lockSummary(readFileSync(lock, 'utf8'))).toEqual(bundlerSpecs(lock));
    expect(lockSummary(readFileSync(lock, 'utf8'))).toHaveLength(3);
  });
});
