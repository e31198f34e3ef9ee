import { VigilError } from '../core/errors/vigil-error.js';

/** An inventory for a host tagged `vigil:exclude=true`: it is not scanned (HTTP 409). */
export class ResourceExcludedError extends VigilError {
  constructor(resourceId: string) {
    super('RESOURCE_EXCLUDED', `resource ${resourceId} is excluded from scanning (tag vigil:exclude=true)`, {
      resourceId,
    });
  }
}
