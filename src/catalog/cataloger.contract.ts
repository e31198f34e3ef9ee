import { PackageURL } from 'packageurl-js';
import picomatch from 'picomatch';
import { expect, it } from 'vitest';
import { LANGUAGE_ECOSYSTEMS, OS_ECOSYSTEMS } from '../core/ecosystem.js';
import { FileTooLargeError } from '../core/errors/file-too-large-error.js';
import type { PackageDraft } from '../core/package.js';
import { SeededRandom } from '../core/seeded-random.js';
import { DirectoryResolver } from '../source/directory/directory-resolver.js';
import type { FileRef } from '../source/resolver.js';
import { runCatalogers } from './catalog-runner.js';
import type { Cataloger, CatalogerFile, ParseResult } from './cataloger.js';
import { bufferReader } from './java/zip-reader.js';
import { purlFor } from './purl-builder.js';

/** A root filesystem (real files under a directory) in which the cataloger must find something. */
export interface CatalogerSample {
  /** The directory to read as `/`; built on demand for samples that need a tool (a compiler, rpm). */
  root: () => string | Promise<string>;
  /** At least this many packages from the sample root. */
  minPackages: number;
  /**
   * Random bytes in place of a sample file must give at least one unknown. False only where the glob
   * matches files that are rightly silent when they are not the format (any file under `bin/` for the
   * binary catalogers; a text file whose lines are not requirements).
   */
  garbageIsUnknown: boolean;
  /** Unknowns the sample root holds on purpose (a broken file beside good ones); 0 when omitted. */
  unknowns?: number;
}

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ECOSYSTEMS: readonly string[] = [...OS_ECOSYSTEMS, ...LANGUAGE_ECOSYSTEMS];

/** Registers the contract's tests for one cataloger; call inside a `describe`. */
export function catalogerContract(cataloger: Cataloger, sample: CatalogerSample): void {
  it('is named kebab-case, versioned, tagged and of a known ecosystem', () => {
    expect(cataloger.name).toMatch(KEBAB);
    expect(Number.isInteger(cataloger.version) && cataloger.version >= 1).toBe(true);
    expect(ECOSYSTEMS).toContain(cataloger.ecosystem);
    const kind = cataloger.tags.filter((t) => t === 'os' || t === 'language');
    const scope = cataloger.tags.filter((t) => t === 'installed' || t === 'declared');
    expect([kind.length, scope.length]).toEqual([1, 1]);
    expect(kind[0] === 'os').toBe(OS_ECOSYSTEMS.some((e) => e === cataloger.ecosystem));
  });

  it('has valid relative picomatch globs', () => {
    expect(cataloger.globs.length).toBeGreaterThan(0);
    for (const g of cataloger.globs) {
      expect(g, g).not.toMatch(/^\/|\\|^\s|\s$/);
      expect(() => picomatch.makeRe(g, { dot: true }), g).not.toThrow();
    }
  });

  it('finds packages in its sample root; every one has a name, version, ecosystem, scope and purl', async () => {
    const root = await sample.root();
    const result = await runCatalogers(new DirectoryResolver(root), [cataloger]);
    expect(result.unknowns.map((u) => u.path)).toHaveLength(sample.unknowns ?? 0);
    expect(result.packages.length).toBeGreaterThanOrEqual(sample.minPackages);
    const scope = cataloger.tags.includes('installed') ? 'installed' : 'declared';
    for (const p of result.packages) {
      expect(p.name, p.id).not.toBe('');
      expect(p.version !== '' || p.metadata?.['goModuleVersion'] === '(devel)', p.name).toBe(true);
      expect([p.ecosystem, p.scope, p.foundBy]).toEqual([cataloger.ecosystem, scope, cataloger.name]);
      // `generic` only for what cannot name its ecosystem coordinates (a jar without any groupId).
      expect([p.ecosystem, 'generic'], p.purl).toContain(PackageURL.fromString(p.purl).type);
    }
  });

  it('parses purely: the same bytes give the same result', async () => {
    const { files } = await sampleFiles(cataloger, sample);
    for (const f of files) {
      const first = await cataloger.parse(f, {});
      expect(await cataloger.parse(f, {}), f.path).toEqual(first);
    }
  });

  it('never rejects on empty, truncated or garbage bytes, and says what it could not read', async () => {
    const { files, resolver } = await sampleFiles(cataloger, sample);
    const random = new SeededRandom(503);
    for (const f of files) {
      const bytes = await f.read();
      const garbage = Buffer.from(Array.from({ length: 4096 }, () => random.int(256)));
      const cuts = [0, 1, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 1];
      for (const cut of cuts)
        await expectConforming(cataloger, memoryFile(f, bytes.subarray(0, cut), resolver));
      const r = await expectConforming(cataloger, memoryFile(f, garbage, resolver));
      if (sample.garbageIsUnknown) expect(r.unknowns?.length ?? 0, `${f.path}: garbage`).toBeGreaterThan(0);
    }
  });

  it('turns a file over its read limit into a too-large unknown, not an error', async () => {
    const { files, resolver } = await sampleFiles(cataloger, sample);
    const f = files[0] as CatalogerFile;
    const tooLarge: CatalogerFile = {
      ...memoryFile(f, Buffer.alloc(0), resolver),
      size: f.size,
      read: () => Promise.reject(new FileTooLargeError(f.path, 1 << 30, 1 << 20)),
      open: () => Promise.reject(new FileTooLargeError(f.path, 1 << 30, 1 << 20)),
    };
    const r = await cataloger.parse(tooLarge, {});
    expect(r.packages).toEqual([]);
    expect(r.unknowns?.map((u) => u.reason)).toEqual(['too-large']);
  });
}

async function expectConforming(cataloger: Cataloger, file: CatalogerFile): Promise<ParseResult> {
  const r = await cataloger.parse(file, {});
  expect(Array.isArray(r.packages)).toBe(true);
  for (const d of r.packages) expectDraft(cataloger, d);
  for (const u of r.unknowns ?? []) expect(u.path.startsWith('/'), u.path).toBe(true);
  return r;
}

function expectDraft(cataloger: Cataloger, d: PackageDraft): void {
  expect(typeof d.name === 'string' && typeof d.version === 'string', JSON.stringify(d)).toBe(true);
  expect(d.ecosystem).toBe(cataloger.ecosystem);
  // A draft the runner cannot turn into a purl would be dropped there with an unknown; the contract
  // wants every parser to hand over drafts that make valid purls.
  if (d.name !== '') expect(() => purlFor(d), JSON.stringify(d)).not.toThrow();
}

async function sampleFiles(
  cataloger: Cataloger,
  sample: CatalogerSample,
): Promise<{ files: CatalogerFile[]; resolver: DirectoryResolver }> {
  const resolver = new DirectoryResolver(await sample.root());
  const refs = await resolver.findFiles(cataloger.globs);
  const files: CatalogerFile[] = [];
  for (const ref of refs) {
    const f = fileOf(resolver, ref);
    // Only the files that give packages: a glob also matches files that are rightly ignored.
    if ((await cataloger.parse(f, {})).packages.length > 0) files.push(f);
  }
  expect(files.length, `${cataloger.name}: sample files with packages`).toBeGreaterThan(0);
  return { files, resolver };
}

function fileOf(resolver: DirectoryResolver, ref: FileRef): CatalogerFile {
  return memoryFile({ path: ref.path, size: ref.size }, undefined, resolver);
}

/** The file at `base.path` with other bytes (or its real ones); siblings stay the real ones. */
function memoryFile(
  base: Pick<CatalogerFile, 'path' | 'size'>,
  bytes: Buffer | undefined,
  resolver: DirectoryResolver,
): CatalogerFile {
  const read = async (): Promise<Buffer> => bytes ?? resolver.readFile(base.path);
  return {
    path: base.path,
    size: bytes?.length ?? base.size,
    read,
    open: async () => bufferReader(await read()),
    readSibling: async (p) => {
      const target = p.startsWith('/') ? p : `${base.path.slice(0, base.path.lastIndexOf('/'))}/${p}`;
      return (await resolver.stat(target)) ? resolver.readFile(target) : undefined;
    },
  };
}
