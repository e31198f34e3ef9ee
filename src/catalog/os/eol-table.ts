/**
 * End of support per distribution release: public facts from the vendors' lifecycle pages (as
 * collected by endoflife.date). `eol` is the end of the vendor's public security support, the date
 * after which a release gets no fixes without a paid contract:
 * - Debian: end of Debian LTS (the public LTS project), not of the security team's regular support;
 * - Ubuntu: end of standard support (ESM needs an Ubuntu Pro subscription);
 * - RHEL and rebuilds: end of maintenance support; SLES: end of general support of that service pack.
 * `extended` is the paid/commercial tail (Debian ELTS, Ubuntu ESM, RHEL ELS, SLES LTSS), for reports.
 * Keys are OsInfo.release values (see os-release-key.ts).
 */
export interface EolEntry {
  /** End of regular security support (Debian: security team), when it differs from `eol`. */
  security?: string;
  eol: string;
  extended?: string;
}

type Table = Readonly<Record<string, EolEntry>>;

const DEBIAN: Table = {
  '7': { security: '2016-04-25', eol: '2018-05-31', extended: '2020-06-30' },
  '8': { security: '2018-06-17', eol: '2020-06-30', extended: '2025-06-30' },
  '9': { security: '2020-07-06', eol: '2022-06-30', extended: '2027-06-30' },
  '10': { security: '2022-09-10', eol: '2024-06-30', extended: '2029-06-30' },
  '11': { security: '2024-08-14', eol: '2026-08-31', extended: '2031-06-30' },
  '12': { security: '2026-06-10', eol: '2028-06-30', extended: '2033-06-30' },
  '13': { security: '2028-08-09', eol: '2030-06-30', extended: '2035-06-30' },
};

const UBUNTU: Table = {
  '14.04': { eol: '2019-04-02', extended: '2024-04-02' },
  '16.04': { eol: '2021-04-02', extended: '2026-04-02' },
  '18.04': { eol: '2023-05-31', extended: '2028-04-01' },
  '18.10': { eol: '2019-07-18' },
  '19.04': { eol: '2020-01-23' },
  '19.10': { eol: '2020-07-06' },
  '20.04': { eol: '2025-05-31', extended: '2030-04-02' },
  '20.10': { eol: '2021-07-22' },
  '21.04': { eol: '2022-01-20' },
  '21.10': { eol: '2022-07-14' },
  '22.04': { eol: '2027-04-01', extended: '2032-04-09' },
  '22.10': { eol: '2023-07-20' },
  '23.04': { eol: '2024-01-20' },
  '23.10': { eol: '2024-07-12' },
  '24.04': { eol: '2029-05-31', extended: '2036-05-31' },
  '24.10': { eol: '2025-07-10' },
  '25.04': { eol: '2026-01-17' },
  '25.10': { eol: '2026-07-01' },
  '26.04': { eol: '2031-04-30', extended: '2036-04-30' },
};

const ALPINE: Table = Object.fromEntries(
  (
    [
      ['3.0', '2016-05-01'],
      ['3.1', '2016-11-01'],
      ['3.2', '2017-05-01'],
      ['3.3', '2017-11-01'],
      ['3.4', '2018-05-01'],
      ['3.5', '2018-11-01'],
      ['3.6', '2019-05-01'],
      ['3.7', '2019-11-01'],
      ['3.8', '2020-05-01'],
      ['3.9', '2020-11-01'],
      ['3.10', '2021-05-01'],
      ['3.11', '2021-11-01'],
      ['3.12', '2022-05-01'],
      ['3.13', '2022-11-01'],
      ['3.14', '2023-05-01'],
      ['3.15', '2023-11-01'],
      ['3.16', '2024-05-23'],
      ['3.17', '2024-11-22'],
      ['3.18', '2025-05-09'],
      ['3.19', '2025-11-01'],
      ['3.20', '2026-04-01'],
      ['3.21', '2026-11-01'],
      ['3.22', '2027-05-01'],
      ['3.23', '2027-11-01'],
    ] as const
  ).map(([branch, eol]) => [`v${branch}`, { eol }]),
);

const RHEL: Table = {
  '6': { eol: '2020-11-30', extended: '2024-06-30' },
  '7': { eol: '2024-06-30', extended: '2028-06-30' },
  '8': { eol: '2029-05-31', extended: '2032-05-31' },
  '9': { eol: '2032-05-31', extended: '2035-05-31' },
};

const CENTOS: Table = { '6': { eol: '2020-11-30' }, '7': { eol: '2024-06-30' }, '8': { eol: '2021-12-31' } };
const ROCKY: Table = { '8': { eol: '2029-05-31' }, '9': { eol: '2032-05-31' } };
const ALMA: Table = { '8': { eol: '2029-03-01' }, '9': { eol: '2032-05-31' } };
const ORACLE: Table = { '7': { eol: '2024-12-31' }, '8': { eol: '2029-07-31' }, '9': { eol: '2032-06-30' } };

const AMAZON: Table = {
  '2018.03': { eol: '2023-12-31' },
  '2': { eol: '2026-06-30' },
  '2023': { eol: '2029-06-30' },
};

/** CBL-Mariner 1.0 and 2.0 (ID=mariner) and its rename Azure Linux 3.0 (ID=azurelinux). */
const MARINER: Table = {
  '1.0': { eol: '2023-08-31' },
  '2.0': { eol: '2025-07-31' },
  '3.0': { eol: '2027-08-31' },
};

const SLES: Table = {
  '15': { eol: '2019-12-31', extended: '2022-12-31' },
  '15.1': { eol: '2021-01-31', extended: '2024-01-31' },
  '15.2': { eol: '2021-12-31', extended: '2024-12-31' },
  '15.3': { eol: '2022-12-31', extended: '2025-12-31' },
  '15.4': { eol: '2023-12-31', extended: '2026-12-31' },
  '15.5': { eol: '2024-12-31', extended: '2027-12-31' },
  '15.6': { eol: '2025-12-31', extended: '2028-12-31' },
  '15.7': { eol: '2031-07-31', extended: '2034-07-31' },
};

const TABLES: Readonly<Record<string, Table>> = {
  debian: DEBIAN,
  ubuntu: UBUNTU,
  alpine: ALPINE,
  rhel: RHEL,
  centos: CENTOS,
  rocky: ROCKY,
  almalinux: ALMA,
  ol: ORACLE,
  amzn: AMAZON,
  mariner: MARINER,
  azurelinux: MARINER,
  sles: SLES,
};

/** The table row for a distribution release, or undefined when vigil has no lifecycle facts for it. */
export function eolEntry(id: string, release: string | undefined): EolEntry | undefined {
  if (release === undefined) return undefined;
  return TABLES[id]?.[release];
}

/** True when `now` is past the release's end of public security support (the EOL day itself still counts). */
export function isEndOfLife(entry: EolEntry, now: Date): boolean {
  return now.toISOString().slice(0, 10) > entry.eol;
}
