import { workerData } from 'node:worker_threads';
import { openServiceDbReader } from '../store/service-db-reader.js';
import type { ServiceDb } from '../store/service-db.js';
import { openVulnDbReader, type VulnDbReader } from '../vulndb/vuln-db-reader.js';
import { VulnReadMemo } from './vuln-read-memo.js';
import { runTask, type TaskHandles, type TaskOutcome, type WorkerTask } from './worker-tasks.js';

/** What the pool tells each thread: the DBs it may open for reading. */
export interface WorkerThreadData {
  vulnDbFile?: string;
  serviceDbUrl?: string;
}

const data = (workerData ?? {}) as WorkerThreadData;
let vulns: VulnDbReader | undefined;
let service: ServiceDb | undefined;

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`this worker thread was given no ${what}`);
  return value;
}

/** Each thread keeps its own read-only connections for its whole life (opened on first use). */
const reader = (): VulnDbReader =>
  (vulns ??= openVulnDbReader(required(data.vulnDbFile, 'vulnerability DB')));
const memo = new VulnReadMemo(reader);
const handles: TaskHandles = {
  vulns: () => reader().store,
  memoVulns: () => memo.store(),
  service: () => (service ??= openServiceDbReader(required(data.serviceDbUrl, 'service DB'))).kysely,
};

/** The thread's entry point (piscina calls the default export once per task). */
export default function run(task: WorkerTask): Promise<TaskOutcome> {
  return runTask(task, handles);
}
