import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import {
  COMPOSE_FILE,
  HEALTH_PORT,
  containerArgs,
  K8S_FILE,
  ROLES,
  ROLE_UNITS,
  one,
  readCompose,
  readManifests,
  readUnit,
  unitEnvironment,
} from './deploy-files.js';

/** The Kubernetes kinds the manifests may hold, each with its schema-checked model (kubernetes-models). */
const MODELS: Record<string, (object: Record<string, unknown>) => { validate(): void }> = {
  'apps/v1 Deployment': (o) => new Deployment(o),
  'v1 Service': (o) => new Service(o),
};

/** Validates one manifest against the Kubernetes schema of its kind: throws, naming the field, if not. */
function validate(object: Record<string, unknown>): void {
  const kind = `${String(object['apiVersion'])} ${String(object['kind'])}`;
  const model = MODELS[kind];
  if (!model) throw new Error(`no schema for ${kind}`);
  model(object).validate();
}

interface Container {
  args: string[];
  image: string;
  env: { name: string; value: string }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
}
interface DeploymentShape {
  kind: 'Deployment';
  metadata: { name: string };
  spec: {
    replicas: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { securityContext: { runAsNonRoot: boolean; runAsUser: number }; containers: Container[] };
    };
  };
}

function deployment(role: string): DeploymentShape {
  const found = readManifests().find(
    (m) => m['kind'] === 'Deployment' && (m['metadata'] as { name: string }).name === `vigil-${role}`,
  );
  if (!found) throw new Error(`no Deployment vigil-${role}`);
  return found as unknown as DeploymentShape;
}

function container(role: string): Container {
  const c = deployment(role).spec.template.spec.containers[0];
  if (!c) throw new Error(`vigil-${role} has no container`);
  return c;
}

describe('deploy/compose.yaml is in step with the systemd units', () => {
  const compose = readCompose();

  it('runs PostgreSQL, one api, two workers and one scheduler', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'scheduler', 'worker']);
    expect(compose.services['worker']?.deploy?.replicas).toBe(2);
    expect(compose.services['api']?.deploy?.replicas ?? 1).toBe(1);
  });

  it.each(ROLES)('%s: the same command line, environment and stop timeout as its unit', (role) => {
    const unit = readUnit(ROLE_UNITS[role]);
    const service = compose.services[role];
    expect(service?.command).toEqual(containerArgs(role));
    expect(service?.environment).toEqual(unitEnvironment(unit));
    expect(service?.stop_grace_period).toBe(one(unit, 'Service.TimeoutStopSec'));
    // Every credential the unit loads is a compose secret of that service, under the same name.
    const credentials = (unit.get('Service.LoadCredential') ?? []).map((c) => c.split(':')[0]);
    expect(service?.secrets).toEqual(credentials);
    for (const name of credentials) expect(compose.secrets[name ?? '']?.file).toBe(`./secrets/${name}`);
  });

  it('the check can fail: a command that drifts from the unit is caught', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const drifted = readCompose(text.replace('- scheduler\n', '- all\n'));
    expect(drifted.services['scheduler']?.command).not.toEqual(containerArgs('scheduler'));
  });
});

describe('deploy/kubernetes/vigil.yaml', () => {
  it('every object is valid against the Kubernetes schema of its kind', () => {
    const manifests = readManifests();
    expect(
      manifests.map((m) => `${String(m['kind'])}/${String((m['metadata'] as { name: string }).name)}`),
    ).toEqual([
      'Deployment/vigil-api',
      'Service/vigil',
      'Deployment/vigil-worker',
      'Deployment/vigil-scheduler',
    ]);
    for (const m of manifests) validate(m);
  });

  it('the validator rejects a wrong type and an unknown kind (the check can fail)', () => {
    const text = readFileSync(K8S_FILE, 'utf8');
    const [broken] = readManifests(text.replace('replicas: 2', "replicas: 'two'").split('---\n# Workers')[1]);
    expect(() => validate(broken ?? {})).toThrow(/replicas must be integer/);
    const [badPort] = readManifests(text.replace('containerPort: 8080', 'containerPort: http'));
    expect(() => validate(badPort ?? {})).toThrow(/containerPort must be integer/);
    expect(() => validate({ apiVersion: 'v1', kind: 'Pod' })).toThrow(/no schema for v1 Pod/);
  });

  it.each(ROLES)('%s: the same arguments as compose and the unit, as the non-root image user', (role) => {
    expect(container(role).args).toEqual(containerArgs(role));
    expect(container(role).image).toBe(readCompose().services[role]?.image);
    const env = Object.fromEntries(container(role).env.map((e) => [e.name, e.value]));
    expect(env).toEqual(unitEnvironment(readUnit(ROLE_UNITS[role])));
    const security = deployment(role).spec.template.spec.securityContext;
    expect(security.runAsNonRoot).toBe(true);
    expect(security.runAsUser).toBe(10001);
  });

  it('runs two workers, and probes every role on /health (alive) and /ready (serving)', () => {
    expect(deployment('worker').spec.replicas).toBe(2);
    expect(deployment('scheduler').spec.replicas).toBe(1);
    for (const role of ROLES) {
      expect(container(role).livenessProbe?.httpGet.path).toBe('/health');
      expect(container(role).readinessProbe?.httpGet.path).toBe('/ready');
      const port = container(role).ports?.find((p) => p.name === container(role).livenessProbe?.httpGet.port);
      expect(String(port?.containerPort)).toBe(role === 'api' ? '8080' : HEALTH_PORT);
    }
    const service = readManifests().find((m) => m['kind'] === 'Service') as {
      spec: { selector: Record<string, string> };
    };
    expect(deployment('api').spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment('worker').spec.template.metadata.labels).not.toMatchObject(service.spec.selector);
  });
});
