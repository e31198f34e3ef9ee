import { chmod, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentStateError } from './agent-state-error.js';
import { writeFileAtomic } from './atomic-file.js';

/** What the agent remembers between runs besides its secrets (enrollment.json). */
export interface Enrollment {
  resourceId: string;
  accountId: string;
  server: string;
  enrolledAt: string;
}

/** The last inventory the agent built; its gzipped JSON is `file` in the state dir. */
export interface InventoryMeta {
  hash: string;
  /** Hash of the inventory without its createdAt: equal means the same packages, unknowns and OS. */
  contentHash: string;
  file: string;
  fingerprint: string;
  builtAt: string;
  /** When the root was last inventoried (the kept inventory may be older when nothing changed). */
  checkedAt: string;
  /** When the server last took a full inventory from this agent (any hash). */
  lastFullSentAt?: string;
}

const INVENTORY_FILE = /^inventory-[0-9a-f]{64}\.json\.gz$/;

const FILES = {
  hostKey: 'host-key',
  token: 'enroll-token',
  machineId: 'machine-id',
  enrollment: 'enrollment.json',
  inventoryMeta: 'inventory-meta.json',
  /** The digest of the network facts the server last accepted (network-report.ts). */
  networkFactsSent: 'network-facts-sent',
} as const;

/**
 * The agent's state directory (0700, files 0600, every write atomic): the host key, the enrollment
 * token when it is kept, a generated machine id when the root has none, and the last inventory.
 */
export class AgentState {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<AgentState> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const st = await lstat(dir);
      if (!st.isDirectory()) throw new AgentStateError(dir, 'not a directory');
      if ((st.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
      await mkdir(join(dir, 'spool'), { recursive: true, mode: 0o700 });
    } catch (err) {
      if (err instanceof AgentStateError) throw err;
      throw new AgentStateError(dir, (err as NodeJS.ErrnoException).code ?? String(err));
    }
    return new AgentState(dir);
  }

  get spoolDir(): string {
    return join(this.dir, 'spool');
  }

  path(name: keyof typeof FILES): string {
    return join(this.dir, FILES[name]);
  }

  async readText(name: keyof typeof FILES): Promise<string | undefined> {
    const buf = await this.readBytes(name);
    const text = buf?.toString('utf8').trim();
    return text ? text : undefined;
  }

  async readBytes(name: keyof typeof FILES): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(name: keyof typeof FILES, data: string | Uint8Array): Promise<void> {
    await writeFileAtomic(this.path(name), data, 0o600);
  }

  async remove(name: keyof typeof FILES): Promise<void> {
    await rm(this.path(name), { force: true });
  }

  /** The gzipped inventory a meta names (undefined when gone). */
  async readInventory(meta: InventoryMeta): Promise<Buffer | undefined> {
    if (!INVENTORY_FILE.test(meta.file)) return undefined;
    return readFile(join(this.dir, meta.file)).catch(() => undefined);
  }

  /** Removes inventory files other than `keep` (older builds, or one a killed agent never committed). */
  async pruneInventories(keep: string): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (INVENTORY_FILE.test(name) && name !== keep) await rm(join(this.dir, name), { force: true });
    }
  }

  async readJson<T>(name: 'enrollment' | 'inventoryMeta'): Promise<T | undefined> {
    const text = await this.readText(name);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined; // a damaged cache file is rebuilt, never fatal
    }
  }
}
