import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors/usage-error.js';
import { ApplyClient } from '../apply/apply-client.js';
import { executePlan } from '../apply/apply-execute.js';
import { loadApplyFile } from '../apply/apply-file.js';
import { planApply } from '../apply/apply-plan.js';
import { renderPlan, renderResult } from '../apply/apply-render.js';
import { applySchema } from '../apply/apply-schema.js';
import type { CliIo } from '../cli-io.js';

export interface ApplyCliOptions {
  schema?: boolean;
  dryRun?: boolean;
  prune?: boolean;
  server?: string;
  apiKeyFile?: string;
}

/**
 * `vigil apply`: check the file (nothing reaches the server from a bad one), plan by reading the
 * server, print the plan, and unless `--dry-run` carry it out.
 */
export async function runApply(file: string | undefined, opts: ApplyCliOptions, io: CliIo): Promise<void> {
  if (opts.schema) {
    io.stdout.write(JSON.stringify(applySchema(), null, 2) + '\n');
    return;
  }
  if (file === undefined) throw new UsageError('vigil apply needs a FILE (or --schema)');
  const f = await loadApplyFile(file);
  const client = new ApplyClient(serverOf(opts), await keyOf(opts));
  const plan = await planApply(client, f, opts.prune === true);
  io.stdout.write(renderPlan(plan));
  if (opts.dryRun || plan.changes.length === 0) return;
  const revealed = await executePlan(client, plan, f.baseDir);
  io.stdout.write('\n' + renderResult(plan, revealed));
}

function serverOf(opts: ApplyCliOptions): string {
  const server = opts.server ?? process.env['VIGIL_SERVER'];
  if (!server) throw new UsageError('name the server: --server URL or VIGIL_SERVER');
  try {
    return new URL(server).toString();
  } catch {
    throw new UsageError(`--server is not a URL: ${server}`);
  }
}

async function keyOf(opts: ApplyCliOptions): Promise<string> {
  const file = opts.apiKeyFile ?? process.env['VIGIL_API_KEY_FILE'];
  if (file === undefined) {
    const key = process.env['VIGIL_API_KEY'];
    if (!key)
      throw new UsageError('give an admin key: --api-key-file FILE, VIGIL_API_KEY_FILE or VIGIL_API_KEY');
    return key;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the API key file ${file}`);
  }
  const key = text.trim();
  if (key === '') throw new UsageError(`the API key file ${file} is empty`);
  return key;
}
