import type { Authenticator } from '../../auth/authenticate.ts';
import type { Viewer } from '../../auth/viewer.ts';

export type GraphQLTransport = 'http' | 'sse' | 'ws';

/** What every resolver receives. Built once per operation (per HTTP request, per WebSocket subscribe). */
export interface GraphQLContext {
  /** The viewer as authenticated when the operation started. */
  readonly viewer: Viewer | undefined;
  readonly transport: GraphQLTransport;
  /** Aborted when this operation ends (client gone, subscription completed) or the server shuts down. */
  readonly signal: AbortSignal;
  /**
   * The viewer checked again now: token expiry and the operator right as `user_profiles` has it
   * at this moment. Subscriptions call it before every delivery; throws UNAUTHENTICATED once expired.
   */
  recheckViewer(): Promise<Viewer | undefined>;
}

/** The operation's own controller, kept beside the context so the subscription tracker can end it. */
export const CONTROLLER = Symbol('operation controller');
export type InternalContext = GraphQLContext & { readonly [CONTROLLER]: AbortController };

export function createContext(viewer: Viewer | undefined, transport: GraphQLTransport, authenticator: Authenticator): InternalContext {
  const controller = new AbortController();
  let current = viewer;
  return {
    viewer,
    transport,
    signal: controller.signal,
    [CONTROLLER]: controller,
    async recheckViewer() {
      if (current) current = await authenticator.recheck(current);
      return current;
    },
  };
}

export { requireOperator, requireViewer } from '../../auth/guards.ts';
