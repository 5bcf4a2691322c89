import type { HeraldClient } from '@herald/client';
import { type App, hasInjectionContext, type InjectionKey, inject, type Plugin, provide } from 'vue';

/** The injection key under which the Herald client is provided. */
export const HERALD_CLIENT_KEY: InjectionKey<HeraldClient> = Symbol('herald-client');

/**
 * A Vue plugin that provides `client` to every component of the app: `app.use(createHerald(client))`.
 * Create the client once, outside components; the plugin never connects or closes it.
 */
export function createHerald(client: HeraldClient): Plugin {
  return {
    install(app: App) {
      app.provide(HERALD_CLIENT_KEY, client);
    },
  };
}

/** Provides `client` to the calling component's descendants (call it in `setup`). */
export function provideHeraldClient(client: HeraldClient): void {
  provide(HERALD_CLIENT_KEY, client);
}

/**
 * The provided client: from {@link createHerald} or {@link provideHeraldClient} above the calling
 * component, else `client` when given (composables pass their `client` option through here).
 * @throws Error when no client is provided and none is given.
 */
export function useHeraldClient(client?: HeraldClient): HeraldClient {
  if (client !== undefined) return client;
  // inject() outside setup only warns; say what is missing instead.
  const provided = hasInjectionContext() ? inject(HERALD_CLIENT_KEY, null) : null;
  if (provided === null) {
    throw new Error(
      'Herald composables need a client: app.use(createHerald(client)), provideHeraldClient(client), or the `client` option',
    );
  }
  return provided;
}

/** Options every composable takes. */
export interface ClientOption {
  /**
   * The client to use instead of the provided one (outside components, for example in an `effectScope`).
   * @default the client provided by {@link createHerald} or {@link provideHeraldClient}
   */
  readonly client?: HeraldClient;
}
