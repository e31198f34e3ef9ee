/** What a root filesystem says about its operating system (from os-release and friends). */
export interface OsInfo {
  /** os-release ID, lower case: debian, ubuntu, alpine, rhel, rocky, almalinux, centos, fedora, amzn, sles, mariner, … */
  id: string;
  /** os-release ID_LIKE, lower case. */
  idLike: string[];
  /** VERSION_ID as written (e.g. "12", "3.19.1", "8.9"); for Debian testing/sid it may be absent. */
  versionId?: string;
  /** The release key used for matching: Debian major ("12"), Alpine "v3.19", RHEL major ("8"). */
  release?: string;
  /** VERSION_CODENAME (bookworm, trixie, …). */
  codename?: string;
  prettyName?: string;
  /** True when the release is past its vendor's end of life on the scan date. */
  eol?: boolean;
  /** ISO date of the end of (security) support, when the EOL table knows it. */
  eolDate?: string;
  /** Which file(s) the facts came from, in the order they were read. */
  sources: string[];
}
