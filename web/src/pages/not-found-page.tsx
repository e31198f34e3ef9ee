import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

export function NotFoundPage(): ReactNode {
  return (
    <main id="main" className="narrow">
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </main>
  );
}
