// Writes the configuration tables of README.md ("Configuration") from the settings tables:
// `npx tsx scripts/readme-settings.ts`. src/cli/config/setting-table.test.ts fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTables } from '../src/cli/config/settings-readme.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withSettingsTables(before);
if (after !== before) writeFileSync(path, after);
process.stdout.write(
  after === before ? 'README.md: tables already current\n' : 'README.md: tables written\n',
);
