import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { MissingToolError, requireTool } from '../fixtures/required-tool.js';

const PARSER = new URL('testdata/prometheus-parse.py', import.meta.url).pathname;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number | string;
}
interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

/**
 * One scrape of GET /metrics, read by the Prometheus project's own parser (its Python client, Debian
 * python3-prometheus-client): what it cannot read, Prometheus could not either.
 */
export class Scrape {
  constructor(
    readonly text: string,
    readonly families: Family[],
  ) {}

  static async of(base: string, token: string): Promise<Scrape> {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return new Scrape(text, await parseExposition(text));
  }

  /** Each family's type by the name its samples carry (`…_total` for counters). */
  types(): Record<string, string> {
    return Object.fromEntries(
      this.families.map((f) => [f.type === 'counter' ? `${f.name}_total` : f.name, f.type]),
    );
  }

  /** The value of the sample `name` with exactly these labels; 0 when the series does not exist yet. */
  value(name: string, labels: Record<string, string> = {}): number {
    const s = this.families.flatMap((f) => f.samples).find((x) => x.name === name && same(x.labels, labels));
    return s ? Number(s.value) : 0;
  }

  /** A histogram's observation count for exactly these labels. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.value(`${name}_count`, labels);
  }

  /** Every label value of the scrape (to show none names an account, resource or key). */
  labelValues(): string[] {
    return this.families.flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
  }
}

function same(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function parseExposition(text: string): Promise<Family[]> {
  const python = requireTool('/usr/bin/python3', 'python3');
  return new Promise((resolve, reject) => {
    const child = execFile(python, [PARSER], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (child.exitCode === 3)
        return reject(new MissingToolError('prometheus_client (Python)', 'python3-prometheus-client'));
      if (err) return reject(new Error(`the Prometheus parser refused the scrape: ${stderr}`));
      resolve(JSON.parse(stdout) as Family[]);
    });
    child.stdin?.end(text);
  });
}
