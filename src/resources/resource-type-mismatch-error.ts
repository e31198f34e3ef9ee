import { VigilError } from '../core/errors/vigil-error.js';

/** The id names a live resource of another type (an inventory for a repository, say): HTTP 409. */
export class ResourceTypeMismatchError extends VigilError {
  constructor(resourceId: string, type: string) {
    super('RESOURCE_TYPE_MISMATCH', `resource ${resourceId} is a ${type}`, { resourceId, type });
  }
}
