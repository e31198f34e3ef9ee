import type { SbomWriter } from './sbom-writer.js';

/** The inventory exactly as vigil holds it: the input `vigil scan sbom` and the server read back. */
export const inventoryJsonWriter: SbomWriter = {
  name: 'json',
  description: 'vigil inventory JSON (the Inventory object as is)',
  mediaType: 'application/json',
  write(inventory) {
    return JSON.stringify(inventory, null, 2) + '\n';
  },
};
