import { describe, expect, it } from 'vitest';
import { parseAuthChallenge } from './auth-challenge.js';

describe('parseAuthChallenge', () => {
  it('reads bearer parameters, commas inside quotes included', () => {
    expect(
      parseAuthChallenge(
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull,push' },
    });
    expect(parseAuthChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    expect(parseAuthChallenge('Negotiate')).toBeUndefined();
  });
});
