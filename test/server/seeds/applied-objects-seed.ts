import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/** Account B's record that apply owns one of its objects: the walk must neither read nor forget it from A. */
export async function seedAppliedObjects({ s }: SeedContext): Promise<SeededIds> {
  const path = '/v1/accounts/acct-b/applied-objects/kindOfB/applied-object-of-b';
  const r = await call(s.base, s.keys.adminB, 'PUT', path, { identity: 'https://hooks.example/b' });
  if (r.status !== 200) throw new Error(`applied objects seed: ${r.status}`);
  return { appliedKind: 'kindOfB', appliedObjectId: 'applied-object-of-b' };
}
