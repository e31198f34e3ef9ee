import { readFile } from 'node:fs/promises';
import { collectNetworkFacts } from './collect-network-facts.js';

/**
 * Prints the network facts of the namespace it runs in as JSON on stdout:
 *   node dist/network/collect/collect-main.js [--instance-id i-0123…] [--instance-id-file PATH]
 * Tests run it inside namespaces with `ip netns exec NS node …`; the agent calls the same function.
 */
async function main(argv: readonly string[]): Promise<void> {
  let instanceId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--instance-id') instanceId = argv[++i];
    else if (argv[i] === '--instance-id-file') instanceId = (await readFile(argv[++i] ?? '', 'utf8')).trim();
    else {
      process.stderr.write(`usage: collect-main [--instance-id ID | --instance-id-file PATH]\n`);
      process.exitCode = 2;
      return;
    }
  }
  const facts = await collectNetworkFacts(instanceId ? { instanceId } : {});
  process.stdout.write(`${JSON.stringify(facts)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`collect-main: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
