import { createGraphQLClient, type GraphQLClient } from './graphqlClient.ts';
import { readToken } from './token.ts';

/** The signed-in user's client: same-origin `/graphql`, the token from `localStorage['po.token']`. */
export const customerClient: GraphQLClient = createGraphQLClient({ url: '/graphql', token: readToken });

/** For public pages (tracking links): never sends a token, so a stale one cannot break them. */
export const anonymousClient: GraphQLClient = createGraphQLClient({ url: '/graphql', token: () => undefined });
