/**
 * Debian codenames → OSV ecosystem names, as osv.dev names them (`Debian:12`, old ones `Debian:6.0`).
 * Unstable has no number: `Debian:sid`, which a sid host's matcher asks for explicitly.
 */
const CODENAMES: Readonly<Record<string, string>> = {
  woody: '3.0',
  sarge: '3.1',
  etch: '4.0',
  lenny: '5.0',
  squeeze: '6.0',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
  sid: 'sid',
};

export function debianEcosystem(codename: string): string | undefined {
  const n = CODENAMES[codename.trim().toLowerCase()];
  return n === undefined ? undefined : `Debian:${n}`;
}

/** Tracker urgencies: `high**` marks an urgency inferred from NVD; the placeholder is no severity. */
export function trackerUrgency(raw: string | undefined): string | undefined {
  const u = raw?.replace(/\*+$/, '').trim();
  return u && u !== 'not yet assigned' ? u : undefined;
}
