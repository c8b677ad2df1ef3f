import { progress, type Bench } from './support/output.ts';

/** Every bench by name; `npm run bench` runs them all in this order, `npm run bench -- <name>` one. */
const BENCHES: Readonly<Record<string, () => Promise<Bench>>> = {
  eventstore: () => import('./eventstore.ts'),
  webhooks: () => import('./webhooks.ts'),
  graphql: () => import('./graphql.ts'),
  projections: () => import('./projections.ts'),
  web: () => import('./web.ts'),
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = asked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    progress(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const name of asked.length > 0 ? asked : Object.keys(BENCHES)) {
    progress(`running ${name}`);
    const bench = await BENCHES[name]!();
    await bench.run();
  }
}

await main();
