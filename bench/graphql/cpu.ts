import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * CPU time spent so far by the server process and by the PostgreSQL cluster (the postmaster's
 * children: backends, WAL writer, checkpointer). On a shared machine wall-clock rates move with
 * everyone else's load; CPU per operation does not, so it says what the 2 cores could do.
 */
export interface CpuSnapshot {
  readonly serverMs: number;
  readonly postgresMs: number;
}

const TICKS_PER_SECOND = 100;

export async function cpuSnapshot(postmasterPid: number | undefined): Promise<CpuSnapshot> {
  const usage = process.cpuUsage();
  return {
    serverMs: (usage.user + usage.system) / 1000,
    postgresMs: postmasterPid === undefined ? Number.NaN : await clusterCpuMs(postmasterPid),
  };
}

export const cpuBetween = (from: CpuSnapshot, to: CpuSnapshot): CpuSnapshot => ({
  serverMs: to.serverMs - from.serverMs,
  postgresMs: to.postgresMs - from.postgresMs,
});

/** The postmaster's pid from its data directory (first line of postmaster.pid); undefined off Linux or when absent. */
export async function postmasterPidOf(clusterDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * utime + stime of the postmaster and its live children, plus the postmaster's cutime + cstime
 * (backends that ended and were reaped: a closed pool's connections), from /proc (ms).
 */
async function clusterCpuMs(postmasterPid: number): Promise<number> {
  let ticks = 0;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return Number.NaN;
  }
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (pid) => {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
        if (!stat) return;
        // Fields after the parenthesised command name: state is field 3, ppid 4, utime 14, stime 15, cutime 16, cstime 17.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pid) === postmasterPid)
          ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
        else if (Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
      }),
  );
  return (ticks * 1000) / TICKS_PER_SECOND;
}
