import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['user/app:1.2', { registry: 'docker.io', repository: 'user/app', tag: '1.2' }],
    ['index.docker.io/library/debian:12', { registry: 'docker.io', repository: 'library/debian', tag: '12' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/a/b:t', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 't' }],
    [
      'ghcr.io/o/r@sha256:' + 'a'.repeat(64),
      { registry: 'ghcr.io', repository: 'o/r', digest: 'sha256:' + 'a'.repeat(64) },
    ],
    ['docker://quay.io/x/y:v1', { registry: 'quay.io', repository: 'x/y', tag: 'v1' }],
  ])('%s', (input, want) => {
    expect(parseImageReference(input)).toEqual({ kind: 'registry', ...want });
  });

  it('reads transports', () => {
    expect(parseImageReference('docker-archive:/tmp/a:b.tar')).toEqual({
      kind: 'docker-archive',
      path: '/tmp/a:b.tar',
    });
    expect(parseImageReference('oci:/tmp/layout:v1')).toEqual({
      kind: 'oci',
      path: '/tmp/layout',
      tag: 'v1',
    });
    expect(parseImageReference('oci:/tmp/layout')).toEqual({ kind: 'oci', path: '/tmp/layout' });
    expect(parseImageReference('oci-archive:x.tar')).toEqual({ kind: 'oci-archive', path: 'x.tar' });
  });

  it('rejects malformed references with a typed error', () => {
    for (const bad of ['UPPER/case', 'a@sha256:zz', 'a:b c', 'docker-archive:'])
      expect(() => parseImageReference(bad)).toThrow(/invalid|needs a path/);
  });
});
