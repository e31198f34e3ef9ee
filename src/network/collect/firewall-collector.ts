import { readFile } from 'node:fs/promises';
import type { IpFamily } from '../address/ip-address.js';
import { isVigilError } from '../../core/errors/vigil-error.js';
import { loadFirewall } from '../firewall/firewall-view.js';
import type { CollectionNote, FirewallFacts, IptablesDump } from '../network-facts.js';
import { runReadOnly, type CommandLimits } from './command-runner.js';

/**
 * The firewall as its own tools print it: `nft -j list ruleset` (+ the text listing for quoting
 * rules), and iptables-save/ip6tables-save of both flavours. Only listing commands are run.
 */

interface Collected {
  firewall: FirewallFacts;
  notes: CollectionNote[];
}

export async function collectFirewall(limits: CommandLimits, procRoot = '/proc'): Promise<Collected> {
  const notes: CollectionNote[] = [];
  const [nftJson, nftText, ...dumps] = await Promise.all([
    runReadOnly('nft', 'nft', ['-j', 'list', 'ruleset'], limits),
    runReadOnly('nft', 'nft', ['-a', 'list', 'ruleset'], limits),
    collectIptables(4, limits, procRoot),
    collectIptables(6, limits, procRoot),
  ]);
  const firewall: FirewallFacts = { iptables: [], generatedBy: [], active: false };
  if (nftJson.ok) {
    try {
      const ruleset: unknown = JSON.parse(nftJson.stdout);
      firewall.nftables = { ruleset, ...(nftText.ok ? { listing: nftText.stdout } : {}) };
    } catch {
      notes.push({
        source: 'nft',
        code: 'TOOL_FAILED',
        message: 'nft -j printed something that is not JSON',
      });
    }
  } else notes.push(nftJson.note);
  for (const d of dumps) {
    firewall.iptables.push(...d.dumps);
    notes.push(...d.notes);
  }
  firewall.generatedBy = generators(firewall);
  try {
    const view = loadFirewall(firewall, []);
    firewall.active = view.tables.some((t) =>
      [...t.chains.values()].some((c) => c.base && (c.rules.length > 0 || c.base.policy === 'drop')),
    );
  } catch (err) {
    if (!isVigilError(err)) throw err;
    firewall.active = true;
    notes.push({ source: 'firewall', code: 'UNREADABLE', message: err.message });
  }
  if (!firewall.active)
    notes.push({
      source: 'firewall',
      code: 'NO_FIREWALL',
      message: 'no firewall active: no rule and no drop policy on the input path',
    });
  return { firewall, notes };
}

async function collectIptables(
  family: IpFamily,
  limits: CommandLimits,
  procRoot: string,
): Promise<{ dumps: IptablesDump[]; notes: CollectionNote[] }> {
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const dumps: IptablesDump[] = [];
  const notes: CollectionNote[] = [];
  const [legacy, nft] = await Promise.all([
    runReadOnly(`${tool}-legacy-save`, `${tool}-legacy-save`, [], limits),
    runReadOnly(`${tool}-nft-save`, `${tool}-nft-save`, [], limits),
  ]);
  if (!legacy.ok && !nft.ok && legacy.note.code === 'TOOL_MISSING' && nft.note.code === 'TOOL_MISSING') {
    return plainSave(family, limits);
  }
  if (legacy.ok && legacy.stdout.includes('*'))
    dumps.push({ family, flavour: 'legacy', text: legacy.stdout });
  if (nft.ok && nft.stdout.includes('*')) dumps.push({ family, flavour: 'nf_tables', text: nft.stdout });
  if (!legacy.ok && legacy.note.code !== 'TOOL_MISSING') notes.push(legacy.note);
  if (!nft.ok && nft.note.code !== 'TOOL_MISSING') notes.push(nft.note);
  // Without the legacy tool, legacy tables can only exist if the kernel lists them: then they are a gap.
  if (!legacy.ok && legacy.note.code === 'TOOL_MISSING') {
    const names = await readFile(`${procRoot}/net/${family === 4 ? 'ip' : 'ip6'}_tables_names`, 'utf8').catch(
      () => '',
    );
    if (names.trim() !== '')
      notes.push({
        ...legacy.note,
        message: `${legacy.note.message}, but the kernel has legacy tables: ${names.trim().split('\n').join(', ')}`,
      });
  }
  return { dumps, notes };
}

/** Where only `iptables-save` exists, its `--version` says which flavour it is. */
async function plainSave(
  family: IpFamily,
  limits: CommandLimits,
): Promise<{ dumps: IptablesDump[]; notes: CollectionNote[] }> {
  const tool = `${family === 4 ? 'iptables' : 'ip6tables'}-save`;
  const [version, save] = await Promise.all([
    runReadOnly(tool, tool, ['--version'], limits),
    runReadOnly(tool, tool, [], limits),
  ]);
  if (!save.ok) return { dumps: [], notes: save.note.code === 'TOOL_MISSING' ? [] : [save.note] };
  if (!version.ok) return { dumps: [], notes: [version.note] };
  const flavour = /\(legacy\)/.test(version.stdout)
    ? 'legacy'
    : /\(nf_tables\)/.test(version.stdout)
      ? 'nf_tables'
      : undefined;
  if (!flavour)
    return {
      dumps: [],
      notes: [{ source: tool, code: 'TOOL_FAILED', message: `${tool} --version names no flavour` }],
    };
  return { dumps: save.stdout.includes('*') ? [{ family, flavour, text: save.stdout }] : [], notes: [] };
}

function generators(fw: FirewallFacts): FirewallFacts['generatedBy'] {
  const out: FirewallFacts['generatedBy'] = [];
  const nftItems = nftItemsOf(fw.nftables?.ruleset);
  const ufwChain = /^:ufw6?-/m;
  const ufwInNft = nftItems.some(
    (i) => typeof i['chain']?.['name'] === 'string' && /^ufw6?-/.test(i['chain']['name']),
  );
  if (fw.iptables.some((d) => ufwChain.test(d.text)) || ufwInNft) out.push('ufw');
  if (nftItems.some((i) => i['table']?.['name'] === 'firewalld')) out.push('firewalld');
  return out;
}

function nftItemsOf(ruleset: unknown): Record<string, Record<string, unknown> | undefined>[] {
  const items =
    typeof ruleset === 'object' && ruleset !== null
      ? (ruleset as { nftables?: unknown }).nftables
      : undefined;
  return Array.isArray(items)
    ? (items.filter((i) => typeof i === 'object' && i !== null) as Record<
        string,
        Record<string, unknown> | undefined
      >[])
    : [];
}
