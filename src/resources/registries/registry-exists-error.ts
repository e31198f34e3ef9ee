import { VigilError } from '../../core/errors/vigil-error.js';

/** The account already has a registry of that name: 409. */
export class RegistryExistsError extends VigilError {
  constructor(name: string) {
    super('REGISTRY_EXISTS', `a registry named ${JSON.stringify(name)} exists in this account`, { name });
  }
}
