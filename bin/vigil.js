#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// `vigil --version` alone answers before commander and the command table load: scripts and monitoring
// call it often, and it should cost no more than Node itself.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VIGIL_VERSION } = await import('../dist/cli/vigil-version.js');
  process.stdout.write(`${VIGIL_VERSION}\n`);
} else {
  const { main } = await import('../dist/cli/cli-main.js');
  process.exitCode = await main(process.argv);
}
