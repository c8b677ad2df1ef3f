// GraphQL Codegen (typescript-resolvers): the resolvers' types, generated from schema.graphql
// into generated/ (not committed), so a resolver that no longer fits the schema fails
// `npm run typecheck`. Type-only output: nothing imports it at run time (`import type` only),
// so `npm start`, tsx and vitest run without it. Run from the repo root (scripts/web.mjs codegen).
import type { CodegenConfig } from '@graphql-codegen/cli';

import { enumResolvers } from './resolvers/enums.ts';

const projections = '../../../projections/index.ts';

const config: CodegenConfig = {
  schema: 'src/http/graphql/schema.graphql',
  generates: {
    'src/http/graphql/generated/resolvers.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // What resolvers return for a DateTime: the scalar serializes both.
        scalars: { DateTime: { input: 'Date', output: 'Date | string' }, JSON: 'unknown' },
        contextType: '../context.ts#GraphQLContext',
        // GraphQL's UPPER_CASE enum names are the domain's values inside: the one mapping the
        // server runs with (resolvers/enums.ts), so the generated enum types are the domain's.
        enumValues: enumResolvers,
        // The read model's views are what the order resolvers hand on; field resolvers map the rest.
        mappers: {
          ProductionOrder: `${projections}#ProductionOrderView`,
          FulfillmentEvent: `${projections}#TimelineEntryView`,
          // The domain's answer for every user action (USER_ACTIONS: the schema's OrderAction values).
          AllowedActionCheck: '../../../domain/order/index.ts#ActionAvailability',
          Garment: '../../../application/garments.ts#GarmentRecord',
          ProductionOrderConnection: '../resolvers/orders/queries.ts#OrderConnectionParent',
          ProductionBoard: '../../../application/orders/index.ts#ProductionBoardView',
          BoardColumn: '../../../application/orders/index.ts#BoardLane',
          BoardCard: '../../../application/orders/index.ts#BoardCardView',
        },
        // The resolver maps are plain objects of functions, not classes with an index signature.
        useIndexSignature: false,
        optionalResolveType: true,
        avoidOptionals: false,
        // The read model hands out readonly lists; nothing here mutates an answer.
        immutableTypes: true,
      },
    },
  },
};

export default config;
