import type { ReactNode } from 'react';
import { offers, useCapabilities } from '../capabilities';
import { NotAvailable } from './feedback';

/** Its children where this server offers `route`; otherwise, in words, that the workflow is missing. */
export function IfOffered({
  route,
  what,
  heading,
  children,
}: {
  /** An OpenAPI path template, read with GET. */
  route: string;
  /** The workflow, as the sentence "… is not available on this server" names it. */
  what: string;
  /** The page's h1 when the workflow is missing, for children that bring their own. */
  heading?: string;
  children: ReactNode;
}) {
  const capabilities = useCapabilities();
  if (offers(capabilities, route)) return <>{children}</>;
  return (
    <>
      {heading ? <h1>{heading}</h1> : null}
      <NotAvailable what={what} route={`GET ${route}`} />
    </>
  );
}
