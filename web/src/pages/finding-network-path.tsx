import type { ReactNode } from 'react';
import type { Finding } from '../api/api-types.js';

type Step = NonNullable<Finding['networkReachabilityDetails']>['networkPath']['steps'][number];

/** What one hop stands for, in words: the interface's address, the rule's text, the process. */
function stepText(s: Step): string {
  if (s.rule) return s.rule.text;
  if (s.process)
    return `${s.process.comm} (pid ${s.process.pid}${s.process.unit ? `, ${s.process.unit}` : ''})`;
  return s.address ?? '';
}

/** A NETWORK_REACHABILITY finding's open ports and the path that lets traffic in, hop by hop. */
export function NetworkPath({ f }: { f: Finding }): ReactNode {
  const d = f.networkReachabilityDetails;
  if (!d) return null;
  const { begin, end } = d.openPortRange;
  return (
    <section className="card" aria-labelledby="path-h" data-testid="network-path">
      <h2 id="path-h">Network path</h2>
      <p>
        {d.protocol} {begin === end ? `port ${begin}` : `ports ${begin}–${end}`}
      </p>
      <ol>
        {d.networkPath.steps.map((s, i) => (
          <li key={i}>
            <span className="muted">{s.componentType}</span> <code>{s.componentId}</code>
            {stepText(s) ? <> · {stepText(s)}</> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
