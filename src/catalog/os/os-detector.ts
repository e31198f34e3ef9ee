import type { OsInfo } from '../../core/os-info.js';
import type { Resolver } from '../../source/resolver.js';
import { parseOsRelease } from './os-release-parser.js';

const OS_RELEASE_FILES = ['/etc/os-release', '/usr/lib/os-release'];

/** Identify the distribution of a root filesystem; undefined when nothing says. */
export async function detectOs(resolver: Resolver): Promise<OsInfo | undefined> {
  for (const path of OS_RELEASE_FILES) {
    if (!(await resolver.stat(path))) continue;
    const kv = parseOsRelease((await resolver.readFile(path, { maxBytes: 64 * 1024 })).toString('utf8'));
    if (!kv['ID']) continue;
    const info: OsInfo = {
      id: kv['ID'].toLowerCase(),
      idLike: (kv['ID_LIKE'] ?? '').toLowerCase().split(/\s+/).filter(Boolean),
      sources: [path],
    };
    if (kv['VERSION_ID']) info.versionId = kv['VERSION_ID'];
    if (kv['VERSION_CODENAME']) info.codename = kv['VERSION_CODENAME'];
    if (kv['PRETTY_NAME']) info.prettyName = kv['PRETTY_NAME'];
    return info;
  }
  return undefined;
}
