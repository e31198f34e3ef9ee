import type { FeedBatch } from '../vulndb/import-types.js';
import { secdbFeeds } from './alpine-secdb/secdb-feed.js';
import { compositeFeed } from './composite-cvss/composite-feed.js';
import { cve5Feed } from './cve5/cve5-feed.js';
import { trackerFeed } from './debian-tracker/tracker-feed.js';
import { epssFeed } from './epss/epss-feed.js';
import type { Sniff } from './feed-sniff.js';
import { kevFeed } from './kev/kev-feed.js';
import { nvdFeed } from './nvd/nvd-feed.js';
import { osvFeed, osvFeedNameFor } from './osv/osv-feed.js';

export interface OpenContext {
  /** Publisher's date when known (HTTP Last-Modified, file mtime): stamped on undated records. */
  dataDate?: string;
  /** The URL a downloaded file came from (names osv.dev zips by ecosystem). */
  url?: string;
}

/** One feed vigil knows: how to recognize a local copy, read it, and where `db update` gets it. */
export interface FeedDefinition {
  name: string;
  title: string;
  license: string;
  /** Publisher URLs `db update` downloads (each file read with `open`); override with --url/config. */
  urls: readonly string[];
  /** Part of a plain `db update` (NVD needs paging and an API key to be polite: opt-in). */
  updateByDefault: boolean;
  detect(s: Sniff): boolean;
  open(path: string, ctx: OpenContext): Promise<FeedBatch[]>;
}

const OSV_BUCKET = 'https://osv-vulnerabilities.storage.googleapis.com';
const OSV_ECOSYSTEMS = [
  'Debian',
  'npm',
  'PyPI',
  'Maven',
  'Go',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Pub',
  'Hex',
  'SwiftURL',
  'ConanCenter',
];
const ALPINE_RELEASES = ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'edge'];

const jsonLine = (head: string, re: RegExp): boolean => re.test(head.slice(0, 2000));

/** Every feed, in the order `db update` runs them and `db import` tries to recognize inputs. */
export const FEEDS: readonly FeedDefinition[] = [
  {
    name: 'epss',
    title: 'FIRST EPSS scores (CSV)',
    license: 'FIRST EPSS, free use with attribution',
    urls: ['https://epss.cyentia.com/epss_scores-current.csv.gz'],
    updateByDefault: true,
    detect: (s) => !s.isDir && /^(#model_version|cve,epss,percentile)/.test(s.head.trimStart()),
    open: (path) => Promise.resolve([epssFeed(path)]),
  },
  {
    name: 'kev',
    title: 'CISA Known Exploited Vulnerabilities (JSON)',
    license: 'CC0-1.0',
    urls: ['https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json'],
    updateByDefault: true,
    detect: (s) => !s.isDir && s.head.includes('"catalogVersion"'),
    open: (path) => Promise.resolve([kevFeed(path)]),
  },
  {
    name: 'nvd',
    title: 'NVD CVE API 2.0 (JSON pages)',
    license: 'NVD: public domain (US government), not endorsed by NVD',
    urls: ['https://services.nvd.nist.gov/rest/json/cves/2.0?resultsPerPage=2000'],
    updateByDefault: false,
    detect: (s) => !s.isDir && /"format"\s*:\s*"NVD_CVE"/.test(s.head),
    open: (path) => Promise.resolve([nvdFeed([path])]),
  },
  {
    name: 'cve5',
    title: 'CVE JSON 5 records (JSON Lines)',
    license: 'CVE terms of use; CISA-ADP CC0-1.0',
    urls: [],
    updateByDefault: false,
    detect: (s) => !s.isDir && jsonLine(s.head, /"dataType"\s*:\s*"CVE_RECORD"/),
    open: (path) => Promise.resolve([cve5Feed(path)]),
  },
  {
    name: 'composite-cvss',
    title: 'CVE → CVSS/CWE composite (JSON Lines)',
    license: 'per source (CNA, CISA-ADP, osv.dev, GHSA)',
    urls: [],
    updateByDefault: false,
    detect: (s) => !s.isDir && /^\{\s*"cve"\s*:\s*"CVE-[^\n]*"sources"/.test(s.head),
    open: (path, ctx) => Promise.resolve([compositeFeed(path, ctx.dataDate)]),
  },
  {
    name: 'alpine-secdb',
    title: 'Alpine secdb (JSON)',
    license: 'Alpine Linux secdb (MIT-style, see NOTICE)',
    urls: ALPINE_RELEASES.flatMap((r) =>
      ['main', 'community'].map((repo) => `https://secdb.alpinelinux.org/${r}/${repo}.json`),
    ),
    updateByDefault: true,
    detect: (s) => (s.isTar && /alpine|secdb/i.test(s.name)) || s.head.includes('"distroversion"'),
    open: (path, ctx) => secdbFeeds(path, ctx.dataDate),
  },
  {
    name: 'debian-tracker',
    title: 'Debian security tracker (tracker/data/json, data/CVE/list)',
    license: 'Debian security tracker data',
    urls: ['https://security-tracker.debian.org/tracker/data/json'],
    updateByDefault: true,
    detect: (s) =>
      !s.isDir && (/^\{\s*"[^"]+"\s*:\s*\{\s*"(CVE|TEMP)-/.test(s.head) || /^(CVE|TEMP)-\d{4}-/.test(s.head)),
    open: async (path, ctx) => [await trackerFeed(path, ctx.dataDate)],
  },
  {
    name: 'osv',
    title: 'OSV (directory of JSON, osv.dev all.zip, JSON Lines)',
    license: 'per source: GHSA CC-BY-4.0, PyPA CC-BY-4.0, Go CC-BY-4.0, RustSec CC0, Debian via osv.dev',
    urls: OSV_ECOSYSTEMS.map((e) => `${OSV_BUCKET}/${encodeURIComponent(e)}/all.zip`),
    updateByDefault: true,
    detect: (s) => s.isDir || s.isZip || /"id"\s*:/.test(s.head.slice(0, 4000)),
    open: async (path, ctx) => [await openOsv(path, ctx)],
  },
];

/** osv.dev's `<Ecosystem>/all.zip` → feed `osv-debian` or `osv/<Ecosystem>`, that ecosystem's rows only. */
function openOsv(path: string, ctx: OpenContext): Promise<FeedBatch> {
  const m = ctx.url ? /\/([^/]+)\/all\.zip$/.exec(ctx.url) : null;
  if (!m?.[1]) return osvFeed(path, osvFeedNameFor(path));
  const eco = decodeURIComponent(m[1]);
  return osvFeed(path, eco === 'Debian' ? 'osv-debian' : `osv/${eco}`, eco);
}

export function feedByName(name: string): FeedDefinition | undefined {
  return FEEDS.find((f) => f.name === name);
}

export function detectFeed(s: Sniff): FeedDefinition | undefined {
  return FEEDS.find((f) => f.detect(s));
}
