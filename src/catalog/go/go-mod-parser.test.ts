import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGoMod } from './go-mod-parser.js';

describe('go.mod', () => {
  it('require blocks and lines, // indirect, versioned and local replaces', () => {
    const text = readFileSync(join(import.meta.dirname, 'testdata/go.mod'), 'utf8');
    const got = parseGoMod(text).packages.map((p) => [p.name, p.version, p.metadata]);
    expect(got).toEqual([
      ['github.com/spf13/cobra', 'v1.8.0', {}],
      ['golang.org/x/net', 'v0.24.0', { indirect: 'true' }],
      ['github.com/acme/fork-of-yaml', 'v3.0.2', { replaces: 'gopkg.in/yaml.v3@v3.0.1' }],
      ['github.com/local/thing', 'v0.0.0-00010101000000-000000000000', { replacedBy: '../thing' }],
      ['github.com/pkg/errors', 'v0.9.1', { indirect: 'true' }],
    ]);
    expect(parseGoMod(text).packages.every((p) => p.scope === 'declared' && p.ecosystem === 'golang')).toBe(
      true,
    );
  });
});
