import type { ApplyKind } from './apply-kind.js';
import { assessmentTemplatesKind } from './kinds/assessment-templates-kind.js';
import { cisScanConfigurationsKind } from './kinds/cis-scan-configurations-kind.js';
import { enrollmentTokensKind } from './kinds/enrollment-tokens-kind.js';
import { imageScanningKind } from './kinds/image-scanning-kind.js';
import { networkSettingsKind } from './kinds/network-settings-kind.js';
import { registriesKind } from './kinds/registries-kind.js';
import { scanningKind } from './kinds/scanning-kind.js';
import { suppressionRulesKind } from './kinds/suppression-rules-kind.js';
import { vexDocumentsKind } from './kinds/vex-documents-kind.js';
import { webhooksKind } from './kinds/webhooks-kind.js';

/**
 * Every kind an account block of an apply file may declare, in the order apply plans and applies
 * them (settings before the objects that depend on them). A new kind is one module implementing
 * SingletonKind or CollectionKind (its schema fragment, how to list, create, update and delete it
 * through the API, its identity) and one line here; the published schema and the plan follow.
 */
export const APPLY_KINDS: readonly ApplyKind[] = [
  scanningKind,
  imageScanningKind,
  networkSettingsKind,
  registriesKind,
  suppressionRulesKind,
  webhooksKind,
  enrollmentTokensKind,
  vexDocumentsKind,
  cisScanConfigurationsKind,
  assessmentTemplatesKind,
];
