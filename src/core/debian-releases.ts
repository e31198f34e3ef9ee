/**
 * Debian codenames → release numbers, written as osv.dev and the security tracker name them
 * (`Debian:12`; releases before wheezy as `Debian:6.0`). One table for OS detection, the tracker
 * feed and the Debian matcher, so a host's release key always equals its data's ecosystem suffix.
 * Testing carries the number of the release it becomes (trixie was 13 while testing); unstable
 * (sid) has no number and is not listed here.
 */
const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
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
};

export function debianReleaseOfCodename(codename: string): string | undefined {
  return DEBIAN_RELEASES[codename.trim().toLowerCase()];
}
