import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO } from '../cli/built-cli.js';

export const DEPLOY = join(REPO, 'deploy');
export const SYSTEMD = join(DEPLOY, 'systemd');

/** The scale-out roles and the unit that runs each (a worker is a template: vigil-worker@N). */
export const ROLE_UNITS = {
  api: 'vigil-api.service',
  worker: 'vigil-worker@.service',
  scheduler: 'vigil-scheduler.service',
} as const;
export type Role = keyof typeof ROLE_UNITS;
export const ROLES = Object.keys(ROLE_UNITS) as Role[];
export const SERVER_UNITS = ['vigil-server.service', ...Object.values(ROLE_UNITS)];

/** A unit file as `Key → values` per section (a key may repeat: Environment=, LoadCredential=). */
export type Unit = Map<string, string[]>;

export function readUnit(name: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  for (const raw of readFileSync(join(SYSTEMD, name), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    unit.set(key, [...(unit.get(key) ?? []), line.slice(eq + 1)]);
  }
  return unit;
}

export function one(unit: Unit, key: string): string {
  const values = unit.get(key) ?? [];
  if (values.length !== 1) throw new Error(`expected one ${key}, got ${values.length}`);
  return values[0] ?? '';
}

/** The units' ExecStart programme: Node running the installed CLI's `server` command. */
export const UNIT_PREFIX = ['/usr/bin/node', '/opt/vigil/bin/vigil.js', 'server'];

/**
 * The arguments after `vigil server` in a unit's ExecStart, with the credentials directory (%d) spelt
 * as the container's /run/secrets, so the units, compose and Kubernetes compare word for word.
 * (Our ExecStart lines hold no quotes, so splitting on blanks is exact.)
 */
export function unitServerArgs(unit: Unit): string[] {
  const argv = one(unit, 'Service.ExecStart').split(/\s+/);
  if (UNIT_PREFIX.some((word, i) => argv[i] !== word))
    throw new Error(`ExecStart does not start with ${UNIT_PREFIX.join(' ')}: ${argv.join(' ')}`);
  return argv.slice(UNIT_PREFIX.length).map((a) => a.replace(/^%d\//, '/run/secrets/'));
}

/**
 * The arguments a container of ROLE runs with: the unit's, plus `--health-port 8081` for the roles
 * without an API (in a container they serve /health and /ready there for the runtime's probes; under
 * systemd the unit is supervised instead, and several workers on one host would collide on one port).
 */
export function containerArgs(role: Role): string[] {
  const args = unitServerArgs(readUnit(ROLE_UNITS[role]));
  return role === 'api' ? args : [...args.slice(0, 2), '--health-port', HEALTH_PORT, ...args.slice(2)];
}
export const HEALTH_PORT = '8081';

/** Environment= lines of a unit as a record. */
export function unitEnvironment(unit: Unit): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.get('Service.Environment') ?? [])
    for (const pair of line.split(/\s+/)) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  return env;
}

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

export const COMPOSE_FILE = join(DEPLOY, 'compose.yaml');

/** deploy/compose.yaml with its `<<: *vigil` merge keys resolved, as Docker Compose reads it. */
export function readCompose(text = readFileSync(COMPOSE_FILE, 'utf8')): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

export const K8S_FILE = join(DEPLOY, 'kubernetes', 'vigil.yaml');

/** Every document of a manifest file, as plain objects (a YAML error throws, naming the line). */
export function readManifests(text = readFileSync(K8S_FILE, 'utf8')): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
    return doc.toJS() as Record<string, unknown>;
  });
}
