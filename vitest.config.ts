import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 has no `exports` map: Node (and so every dependency: yoga, envelop, graphql-ws)
    // loads its CommonJS `main`, while vite would give our sources its ESM `module` build. Two
    // copies of graphql break `instanceof` checks ("Cannot use GraphQLNonNull from another module
    // or realm"), so tests load the one Node loads, as `npm start` does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // 2 cores: two test files at a time keeps PostgreSQL and the runner from starving each other.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
