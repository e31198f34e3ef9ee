// Runs the real collector (dist/network/collect) in the namespace it is started in, once per line
// read on stdin, printing one facts JSON line each time: the host test collects after every ruleset
// without starting a new node process each time.
import { createInterface } from 'node:readline';
import { collectNetworkFacts } from '../../../dist/network/collect/collect-network-facts.js';

process.stdout.write('ready\n');
for await (const _line of createInterface({ input: process.stdin })) {
  const facts = await collectNetworkFacts();
  process.stdout.write(`${JSON.stringify(facts)}\n`);
}
