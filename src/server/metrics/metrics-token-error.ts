import { VigilError } from '../../core/errors/vigil-error.js';

/** The file named by --metrics-token-file cannot serve as the scrape token (missing, empty, short, world-readable). */
export class MetricsTokenError extends VigilError {
  constructor(path: string, why: string) {
    super('METRICS_TOKEN_INVALID', `metrics token file ${path}: ${why}`, { path });
  }
}
