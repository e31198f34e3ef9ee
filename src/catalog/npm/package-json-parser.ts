import type { PackageDraft } from '../../core/package.js';
import { ParseError } from '../../core/errors/parse-error.js';
import { isPlausibleNpmName } from './npm-name.js';

/**
 * One installed package's package.json → a draft. A package root without a usable name and version
 * (test fixtures inside packages, half-written trees) is not an installed package: undefined, no error.
 */
export function parseInstalledPackageJson(text: string, path: string): PackageDraft | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ParseError('package.json', path, (err as Error).message);
  }
  if (!isRecord(json)) return undefined;
  const { name, version } = json;
  if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) return undefined;
  if (!isPlausibleNpmName(name)) return undefined;
  const draft: PackageDraft = { name, version, ecosystem: 'npm', scope: 'installed' };
  const licenses = licensesOf(json);
  if (licenses.length > 0) draft.licenses = licenses;
  return draft;
}

/** `license: "MIT"`, or the deprecated `license: {type}` / `licenses: [{type}]` forms old packages still carry. */
function licensesOf(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v) out.push(v);
    else if (isRecord(v) && typeof v['type'] === 'string') out.push(v['type']);
  };
  add(json['license']);
  if (Array.isArray(json['licenses'])) for (const l of json['licenses']) add(l);
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
