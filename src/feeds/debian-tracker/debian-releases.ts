import { debianReleaseOfCodename } from '../../core/debian-releases.js';

/**
 * Debian codenames → OSV ecosystem names, as osv.dev names them (`Debian:12`, old ones `Debian:6.0`).
 * Unstable has no number: `Debian:sid`, which a sid host's matcher asks for explicitly.
 */

export function debianEcosystem(codename: string): string | undefined {
  const name = codename.trim().toLowerCase();
  const n = name === 'sid' ? 'sid' : debianReleaseOfCodename(name);
  return n === undefined ? undefined : `Debian:${n}`;
}

/** Tracker urgencies: `high**` marks an urgency inferred from NVD; the placeholder is no severity. */
export function trackerUrgency(raw: string | undefined): string | undefined {
  const u = raw?.replace(/\*+$/, '').trim();
  return u && u !== 'not yet assigned' ? u : undefined;
}
