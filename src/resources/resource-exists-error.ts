import { VigilError } from '../core/errors/vigil-error.js';

/** A resource with this id is registered (and not deleted) in the account: HTTP 409. */
export class ResourceExistsError extends VigilError {
  constructor(id: string) {
    super('RESOURCE_EXISTS', `resource ${id} already exists`, { id });
  }
}
