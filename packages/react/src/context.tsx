import type { HeraldClient } from '@herald/client';
import { createContext, type ReactNode, useContext } from 'react';

/** The client that Herald hooks use; provided by {@link HeraldProvider}. */
export const HeraldContext = createContext<HeraldClient | null>(null);

/** Props of {@link HeraldProvider}. */
export interface HeraldProviderProps {
  /**
   * A client created by the app outside render (for example at module level). The provider never
   * connects or closes it, so StrictMode's double mount cannot open a second connection.
   */
  readonly client: HeraldClient;
  readonly children?: ReactNode;
}

/** Makes `client` available to every Herald hook and component below it. */
export function HeraldProvider({ client, children }: HeraldProviderProps): ReactNode {
  return <HeraldContext.Provider value={client}>{children}</HeraldContext.Provider>;
}

/**
 * The client from the nearest {@link HeraldProvider}.
 * @throws Error when there is no provider above the calling component.
 */
export function useHeraldClient(): HeraldClient {
  const client = useContext(HeraldContext);
  if (client === null) throw new Error('Herald hooks must be used inside <HeraldProvider client={...}>');
  return client;
}
