import type { Benchmark } from '../../model/check-model.js';
import { SECTION_1_FILESYSTEM } from './section-1-filesystem.js';
import { SECTION_1_SYSTEM } from './section-1-system.js';
import { SECTION_2_SCHEDULING } from './section-2-scheduling.js';
import { SECTION_2_SERVICES } from './section-2-services.js';
import { SECTION_3_NETWORK } from './section-3-network.js';
import { SECTION_4_FIREWALL } from './section-4-firewall.js';
import { SECTION_5_ACCOUNTS } from './section-5-accounts.js';
import { SECTION_5_PAM } from './section-5-pam.js';
import { SECTION_5_SSH } from './section-5-ssh.js';
import { SECTION_5_SUDO } from './section-5-sudo.js';
import { SECTION_6_AUDITD } from './section-6-auditd.js';
import { SECTION_6_LOGGING } from './section-6-logging.js';
import { SECTION_7_MAINTENANCE } from './section-7-maintenance.js';

/** The automated checks of the CIS Debian Linux 12 Benchmark, in vigil's own words, section by section. */
export const CIS_DEBIAN12: Benchmark = {
  id: 'cis-debian12',
  title: 'CIS Debian Linux 12',
  source:
    'CIS Debian Linux 12 Benchmark v1.1.0 (section numbers); ComplianceAsCode ssg-debian 0.1.82 (rule ids)',
  checks: [
    ...SECTION_1_FILESYSTEM,
    ...SECTION_1_SYSTEM,
    ...SECTION_2_SERVICES,
    ...SECTION_2_SCHEDULING,
    ...SECTION_3_NETWORK,
    ...SECTION_4_FIREWALL,
    ...SECTION_5_SSH,
    ...SECTION_5_SUDO,
    ...SECTION_5_PAM,
    ...SECTION_5_ACCOUNTS,
    ...SECTION_6_LOGGING,
    ...SECTION_6_AUDITD,
    ...SECTION_7_MAINTENANCE,
  ],
};
