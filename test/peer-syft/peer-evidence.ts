import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSyml } from '@yarnpkg/parsers';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';
import { key, type PeerCase } from './peer-syft-cases.js';

const run = promisify(execFile);

/** One documented difference from syft, as test/peer-syft/documented-differences.json holds it. */
export interface Documented {
  case: string;
  difference: string;
  reason: string;
  /** Which check below shows the reason with the real tool (or, where none runs here, the file itself). */
  check: keyof typeof CHECKS;
  evidence: string;
  missing: string[];
  extra: string[];
}

/** Runs a tool that may exit non-zero; its output is the evidence either way. */
async function tool(cmd: string, args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error(`${cmd} is not installed (Debian package: ${PACKAGE_OF[cmd] ?? cmd})`);
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const PACKAGE_OF: Record<string, string> = {
  'dpkg-query': 'dpkg',
  go: 'golang-go',
  npm: 'npm',
  unzip: 'unzip',
  '/usr/bin/python3': 'python3-pip',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function only(c: PeerCase, suffix: string): string {
  const hits = filesUnder(c.root).filter((f) => f.endsWith(suffix));
  expect(hits, `${c.name}: one *${suffix}`).toHaveLength(1);
  return hits[0] as string;
}

const names = (keys: string[]): string[] => keys.map((k) => k.split('\t')[0] ?? '');

/**
 * What shows each documented reason. Each check gets the case and its documented difference and fails
 * when the evidence does not say what the reason claims.
 */
export const CHECKS = {
  /** dpkg-query on the stanza vigil leaves out: not listed as it is, refused once marked installed. */
  async 'dpkg-query'(c: PeerCase, d: Documented): Promise<void> {
    const file = filesUnder(c.root).find(
      (f) =>
        /var\/lib\/dpkg\/status(\.d\/[^/]+)?$/.test(f) &&
        readFileSync(f, 'utf8').includes('Package: no-version'),
    );
    const stanza = readFileSync(file ?? '', 'utf8')
      .split(/\n\s*\n/)
      .find((s) => /^Package: no-version$/m.test(s));
    expect(stanza, 'the no-version stanza').toBeDefined();
    expect(names(d.missing)).toEqual(['no-version']);
    const admin = mkdtempSync(join(tmpdir(), 'vigil-dpkg-'));
    mkdirSync(join(admin, 'updates'));
    writeFileSync(join(admin, 'available'), '');
    writeFileSync(join(admin, 'status'), `${stanza ?? ''}\n\n`);
    const asIs = await tool('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package}\n']);
    expect(asIs.out).not.toContain('no-version');
    writeFileSync(join(admin, 'status'), `${stanza ?? ''}\nStatus: install ok installed\n\n`);
    const installed = await tool('dpkg-query', [`--admindir=${admin}`, '-W']);
    expect(installed.code).not.toBe(0);
    expect(installed.out).toContain("missing 'Version' field");
  },

  /** npm's own reading of the lockfile: the syft-only package is the root, never a dependency. */
  async 'npm-ls'(c: PeerCase, d: Documented): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-npm-ls-'));
    cpSync(only(c, 'package-lock.json'), join(dir, 'package-lock.json'));
    const ls = await tool('npm', ['ls', '--package-lock-only', '--all', '--json'], dir);
    interface Node {
      name?: string;
      version?: string;
      dependencies?: Record<string, Node>;
    }
    const tree = JSON.parse(ls.out.slice(ls.out.indexOf('{'))) as Node;
    const deps: string[] = [];
    const walk = (n: Node): void => {
      for (const [name, child] of Object.entries(n.dependencies ?? {})) {
        deps.push(key(name, child.version ?? ''));
        walk(child);
      }
    };
    walk(tree);
    expect(d.missing).toEqual([key(tree.name ?? '', tree.version ?? '')]);
    expect(deps).not.toContain(d.missing[0]);
    expect(deps.length).toBeGreaterThan(0);
  },

  /** pip's own requirement-line parser on the line vigil skips. */
  async pip(c: PeerCase, d: Documented): Promise<void> {
    const line = readFileSync(only(c, 'requirements.txt'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('GithubSampleProject'));
    expect(names(d.missing)).toEqual(['githubsampleproject']);
    const script = [
      'import sys',
      'from pip._internal.req.constructors import install_req_from_line',
      'try:',
      '    install_req_from_line(sys.argv[1]); print("accepted")',
      'except Exception as e:',
      '    print(type(e).__name__, e)',
    ].join('\n');
    const r = await tool('/usr/bin/python3', ['-c', script, line ?? '']);
    expect(r.out).toMatch(/^InstallationError Invalid requirement/);
  },

  /** `go mod edit -json`: the requirement keeps its version; the replacement is a path. */
  async 'go-mod-edit'(c: PeerCase, d: Documented): Promise<void> {
    const r = await tool('go', ['mod', 'edit', '-json', only(c, 'go.mod')]);
    const mod = JSON.parse(r.out) as {
      Require: { Path: string; Version: string }[];
      Replace: { Old: { Path: string }; New: { Path: string; Version?: string } }[];
    };
    const [path = '', version = ''] = (d.extra[0] ?? '').split('\t');
    expect(mod.Require).toContainEqual({ Path: path, Version: version });
    const rep = mod.Replace.find((x) => x.Old.Path === path);
    expect(rep?.New.Version).toBeUndefined();
    expect(rep?.New.Path.startsWith('.')).toBe(true);
  },

  /** importlib.metadata finds the distribution and gives it no version. */
  async importlib(c: PeerCase, d: Documented): Promise<void> {
    const dir = join(c.root, 'usr/lib/python3/site-packages');
    const script =
      'import importlib.metadata as m, json, sys\n' +
      "print(json.dumps([[x.metadata['Name'], x.version] for x in m.distributions(path=[sys.argv[1]])]))";
    const r = await tool('/usr/bin/python3', ['-c', script, dir]);
    expect(JSON.parse(r.out)).toEqual([[names(d.missing)[0], null]]);
  },

  /** Info-ZIP's listing and the manifest: no Maven metadata, no group field. */
  async unzip(c: PeerCase, d: Documented): Promise<void> {
    const jar = only(c, '.jar');
    const list = await tool('unzip', ['-Z1', jar]);
    expect(list.out).not.toContain('META-INF/maven/');
    const manifest = await tool('unzip', ['-p', jar, 'META-INF/MANIFEST.MF']);
    expect(manifest.out).not.toMatch(/^(Group-Id|Implementation-Vendor-Id|Bundle-SymbolicName):/m);
    expect(d.extra.every((k) => !k.includes(':'))).toBe(true);
  },

  /** No .NET SDK in Debian: the deps.json itself types the left-out libraries as projects. */
  'deps-json-types'(c: PeerCase, d: Documented): Promise<void> {
    const deps = JSON.parse(readFileSync(only(c, '.deps.json'), 'utf8')) as {
      libraries: Record<string, { type: string }>;
    };
    const projects = Object.entries(deps.libraries)
      .filter(([, l]) => l.type === 'project')
      .map(([id]) => key(id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)));
    expect(projects.sort()).toEqual(d.missing);
    return Promise.resolve();
  },

  /** The extra packages are exactly the importer's devDependencies that `packages` lacks. */
  'pnpm-importer'(c: PeerCase, d: Documented): Promise<void> {
    const lock = parseYaml(readFileSync(only(c, 'pnpm-lock.yaml'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const dev = Object.entries(lock.devDependencies).map(([n, v]) => key(n, v.split('_')[0] ?? ''));
    expect(d.extra).toEqual(dev.sort());
    return Promise.resolve();
  },

  /** The left-out berry entry resolves to a workspace: the project itself. */
  'yarn-berry-workspace'(c: PeerCase, d: Documented): Promise<void> {
    const lock = parseSyml(readFileSync(only(c, 'yarn.lock'), 'utf8')) as Record<
      string,
      { resolution?: string }
    >;
    const [name] = names(d.missing);
    const entry = Object.entries(lock).find(([k]) => k.startsWith(`${name ?? ''}@`));
    expect(entry?.[1].resolution).toMatch(/@workspace:/);
    return Promise.resolve();
  },

  /** The `resolved` URL's path and file name name different packages, so it is not believed. */
  'yarn-url'(c: PeerCase, d: Documented): Promise<void> {
    const lock = parseSyml(readFileSync(only(c, 'yarn.lock'), 'utf8')) as Record<
      string,
      { resolved?: string }
    >;
    const [ours] = names(d.extra);
    const entry = Object.entries(lock).find(([k]) => k.startsWith(`${ours ?? ''}@`));
    const m = /\/([^/]+)\/-\/([^/#]+)\.tgz/.exec(entry?.[1].resolved ?? '');
    expect(m?.[1]).toBe(names(d.missing)[0]);
    expect(m?.[2]?.startsWith(`${m[1] ?? ''}-`)).toBe(false);
    return Promise.resolve();
  },
} satisfies Record<string, (c: PeerCase, d: Documented) => Promise<void>>;
