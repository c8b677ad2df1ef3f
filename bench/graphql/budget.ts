import { round } from '../support/output.ts';
import type { LoadClient } from './clientProcess.ts';
import { cpuBetween, cpuSnapshot } from './cpu.ts';
import type { BenchServer } from './server.ts';

/** CPU time the server process, PostgreSQL and the load client spent on one piece of work (ms). */
export interface CpuSpent {
  readonly serverMs: number;
  readonly postgresMs: number;
  readonly clientMs: number;
}

export async function spending<T>(
  server: BenchServer,
  client: LoadClient,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent }> {
  const before = await cpuSnapshot(server.postmasterPid);
  const clientBefore = await client.ask({ kind: 'cpu' });
  const result = await work();
  const spent = cpuBetween(before, await cpuSnapshot(server.postmasterPid));
  const clientAfter = await client.ask({ kind: 'cpu' });
  return { result, cpu: { ...spent, clientMs: clientAfter.ms - clientBefore.ms } };
}

/** "CPU per request: server 210 µs, PostgreSQL 120 µs, client 80 µs" */
export function perOperation(cpu: CpuSpent, operations: number, what: string): string {
  const us = (ms: number) => `${round((ms * 1000) / operations)} µs`;
  return `CPU per ${what}: server process ${us(cpu.serverMs)}, PostgreSQL ${us(cpu.postgresMs)}, load client ${us(cpu.clientMs)}`;
}
