// A projector in a process of its own, for the crash test: it prints "committing" right before
// each batch's one message (begin, writes, commit) goes out and lingers there a moment, so the
// parent's SIGKILL lands around the commit: before it is sent, or while the server runs it.
import { createPostgresEventStore } from '../../../src/eventstore/postgres/index.ts';
import { startProjector } from '../../../src/projections/index.ts';
import pg from 'pg';

const url = process.argv[2];
if (!url) throw new Error('usage: projector-child.ts <database url>');
const pool = new pg.Pool({ connectionString: url, max: 4 });
const eventStore = await createPostgresEventStore({ connectionString: url, maxConnections: 4, pollIntervalMs: 100 });
startProjector({
  pool,
  eventStore,
  batchSize: 50,
  leaderRetryMs: 50,
  hooks: {
    async beforeCommit() {
      process.stdout.write('committing\n');
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  },
});
process.stdout.write('started\n');
