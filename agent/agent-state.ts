import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.ts';
import type { TrackedSession } from './session-tracker.ts';

export interface AgentState {
  /** identity of the interface the sessions' counters were read from (see WireGuard.identity) */
  identity: string | null;
  sessions: TrackedSession[];
}

const VERSION = 1;
const BIGINT_FIELDS = ['rx', 'tx', 'reportedRx', 'reportedTx'] as const;

export function loadState(path: string): AgentState {
  if (!existsSync(path)) return { identity: null, sessions: [] };
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; identity?: string | null; sessions?: Record<string, unknown>[] };
  if (raw.version !== VERSION || !Array.isArray(raw.sessions))
    throw new Error(`state file ${path} is not a version ${VERSION} agent state`);
  const sessions = raw.sessions.map((r) => {
    const s = { ...r } as Record<string, unknown>;
    for (const f of BIGINT_FIELDS) s[f] = s[f] === null ? null : BigInt(String(s[f]));
    return s as unknown as TrackedSession;
  });
  return { identity: raw.identity ?? null, sessions };
}

export function saveState(path: string, state: AgentState): void {
  const text = JSON.stringify(
    { version: VERSION, identity: state.identity, sessions: state.sessions },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
  writeFileAtomic(path, text + '\n');
}
