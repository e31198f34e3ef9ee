import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { requireSharedData, SHARED_DATA } from '../../../test/fixtures/shared-data.js';
import { testCacheDir } from '../../../test/fixtures/test-cache.js';

/** Real vulnerability data (DESIGN: ../shared/data, read-only). */
export { SHARED_DATA };
export const GHSA_OSV = join(SHARED_DATA, 'osv/ghsa-reviewed.osv.jsonl.gz');
export const PYPA_OSV = join(SHARED_DATA, 'osv/pypa-advisory-db.osv.jsonl.gz');

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
}
interface OsvRecord {
  affected?: {
    package?: { ecosystem?: string };
    ranges?: { type?: string; events?: OsvEvent[] }[];
    versions?: string[];
  }[];
}

function extract(file: string): Record<string, string[]> {
  const byEcosystem = new Map<string, Set<string>>();
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as OsvRecord;
    for (const a of record.affected ?? []) {
      const eco = a.package?.ecosystem;
      if (!eco) continue;
      const set = byEcosystem.get(eco) ?? new Set<string>();
      byEcosystem.set(eco, set);
      for (const r of a.ranges ?? []) {
        if (r.type === 'GIT') continue;
        for (const e of r.events ?? []) {
          // "0" is OSV's "since the beginning" marker, not a version anyone released.
          for (const v of [e.introduced, e.fixed, e.last_affected])
            if (v !== undefined && v !== '0') set.add(v);
        }
      }
      for (const v of a.versions ?? []) set.add(v);
    }
  }
  return Object.fromEntries([...byEcosystem].map(([k, v]) => [k, [...v].sort()]));
}

const memo = new Map<string, Record<string, string[]>>();

/**
 * Distinct version strings per OSV ecosystem name ("npm", "PyPI", "Maven", …) from range events and
 * `versions` lists of one OSV JSONL.gz file, cached on disk keyed by the file's size and mtime.
 */
export function osvVersionsByEcosystem(file: string): Record<string, string[]> {
  const st = statSync(requireSharedData(file));
  const key = `${file.replace(/[^A-Za-z0-9]+/g, '_')}-${st.size}-${Math.floor(st.mtimeMs)}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const path = join(testCacheDir('osv-versions'), `${key}.json`);
  let result: Record<string, string[]>;
  try {
    result = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>;
  } catch {
    result = extract(file);
    writeFileSync(path, JSON.stringify(result));
  }
  memo.set(key, result);
  return result;
}
