import type { PackageDraft } from '../../core/package.js';
import type { ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';
import { BINARY_GLOBS, mayBeProgram, withElf } from './binary-candidates.js';
import { decodeGoBuildInfo, type GoBuildInfo } from './go-buildinfo-decoder.js';
import { parseGoModInfo, type GoModule } from './go-modinfo-parser.js';

/** `(devel)` is what Go writes for a main module built from a checkout: a marker, not a version. */
export const DEVEL_VERSION = '(devel)';

/** Build settings worth keeping on the main module: they change what code is in the binary. */
const KEPT_SETTINGS = ['GOOS', 'GOARCH', 'CGO_ENABLED', '-trimpath', '-tags', 'vcs.revision', 'vcs.time'];

/** Go module build info embedded in ELF binaries: main module, dependencies, and the stdlib. */
export const goBinaryCataloger = defineCataloger({
  name: 'go-binary',
  ecosystem: 'golang',
  tags: ['language', 'installed', 'binary'],
  globs: BINARY_GLOBS,
  accepts: mayBeProgram,
  async parse(file, ctx): Promise<ParseResult> {
    const info = await withElf(file, {
      shared: ctx.shared,
      fn: (reader, elf) => decodeGoBuildInfo(reader, elf),
    });
    return { packages: info ? goPackagesFromBuildInfo(info) : [] };
  },
});

/**
 * The packages a Go binary carries. A dependency replaced by another module version is listed as the
 * replacement (that is the code linked in), with the original in metadata; a dependency replaced by a
 * local directory keeps its declared path and version, as `go version -m` shows them.
 */
export function goPackagesFromBuildInfo(build: GoBuildInfo): PackageDraft[] {
  const info = parseGoModInfo(build.modinfo);
  const toolchain = build.goVersion.split(/\s+/)[0] ?? build.goVersion;
  const out: PackageDraft[] = [];
  const context: Record<string, string> = info.path ? { mainPath: info.path } : {};
  if (info.main) {
    const meta: Record<string, string> = { ...context, mainModule: 'true' };
    if (info.main.version === DEVEL_VERSION) meta['goModuleVersion'] = DEVEL_VERSION;
    for (const key of KEPT_SETTINGS) {
      const v = info.build.get(key);
      if (v !== undefined) meta[`build:${key}`] = v;
    }
    const version = info.main.version === DEVEL_VERSION ? '' : info.main.version;
    out.push(draft(info.main.path, version, meta));
  }
  for (const dep of info.deps) out.push(depDraft(dep, context));
  out.push(draft('stdlib', toolchain, { ...context, goVersion: build.goVersion }));
  return out;
}

function depDraft(dep: GoModule, context: Record<string, string>): PackageDraft {
  const meta: Record<string, string> = { ...context };
  const r = dep.replace;
  if (r && r.version && r.version !== DEVEL_VERSION) {
    meta['replaces'] = `${dep.path}@${dep.version}`;
    if (r.sum) meta['h1'] = r.sum;
    return draft(r.path, r.version, meta);
  }
  if (r) meta['replacedBy'] = r.path;
  if (dep.sum) meta['h1'] = dep.sum;
  return draft(dep.path, dep.version, meta);
}

function draft(name: string, version: string, metadata: Record<string, string>): PackageDraft {
  return { name, version, ecosystem: 'golang', scope: 'installed', metadata };
}
