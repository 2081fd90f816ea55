/**
 * `npm run bench`: ingestion, sign-in and session-list figures on SQLite (file, WAL) and PostgreSQL
 * (skipped if unreachable), each beside its own raw limit measured in the same run.
 *
 *   BENCH_PG_URL   PostgreSQL base URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_ONLY     sqlite | postgres
 *   BENCH_PARTS    comma list of ingestion,login,sessions (default: all)
 */
import os from 'node:os';
import { SESSIONS, runIngestion } from './ingestion.ts';
import { CONCURRENCY, runLogin } from './login.ts';
import { runSessionsQuery } from './sessions-query.ts';
import { type Kind, type Row, fmtInt, fmtMs, log, now, pgReachable, startBenchApp } from './support.ts';

const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ONLY = process.env.BENCH_ONLY as Kind | undefined;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'ingestion,login,sessions').split(','));

const INGEST_TARGET_SQLITE = 50_000;
const INGEST_TARGET_RATIO = 0.5;
const QUERY_TARGET_RATIO = 3;

const runDialect = async (kind: Kind, rows: Row[], notes: string[]) => {
  const t0 = now();
  const b = await startBenchApp(kind, PG_URL);
  try {
    if (PARTS.has('ingestion')) {
      log(`${kind}: ingestion`);
      const r = await runIngestion(b);
      const ratio = r.httpRate / r.rawRate;
      const floor = kind === 'sqlite' ? INGEST_TARGET_SQLITE : 0;
      rows.push({
        dialect: kind,
        metric: 'node-sync counter updates/s',
        http: `${fmtInt(r.httpRate)} (${fmtMs(r.httpMsPerBatch)} ms/batch, cpu ${fmtMs(r.httpCpuPerBatch)})`,
        raw: `${fmtInt(r.rawRate)} (${fmtMs(r.rawMsPerBatch)} ms/batch, cpu ${fmtMs(r.rawCpuPerBatch)})`,
        ratio: `${ratio.toFixed(2)} of raw`,
        target: kind === 'sqlite' ? `>=${fmtInt(floor)}/s, >=${INGEST_TARGET_RATIO}` : `>=${INGEST_TARGET_RATIO}`,
        ok: r.httpRate >= floor && ratio >= INGEST_TARGET_RATIO,
      });
      if (kind === 'sqlite') {
        // Everything (client, server, database) runs on this process's one thread: updates per CPU-second
        // is what an idle machine would show, whatever else the machine is running right now.
        const h = (1000 / r.httpCpuPerBatch) * SESSIONS;
        const w = (1000 / r.rawCpuPerBatch) * SESSIONS;
        rows.push({
          dialect: kind,
          metric: '  same, per CPU-second of this process',
          http: fmtInt(h),
          raw: fmtInt(w),
          ratio: `${(h / w).toFixed(2)} of raw`,
          target: '(info)',
          ok: null,
        });
      }
    }
    if (PARTS.has('login')) {
      log(`${kind}: login + credentials`);
      const r = await runLogin(b);
      rows.push({
        dialect: kind,
        metric: `login+credentials pairs/s (${CONCURRENCY} clients)`,
        http: fmtInt(r.httpRate),
        raw: `${fmtInt(r.rawRate)} (services)`,
        ratio: `${(r.httpRate / r.rawRate).toFixed(2)} of raw`,
        target: 'no errors',
        ok: r.failed === 0,
      });
      for (const [why, n] of r.failures) notes.push(`${kind}: ${n} credentials call(s) failed (excluded from the rates): ${why}`);
    }
    if (PARTS.has('sessions')) {
      log(`${kind}: sessions query (bulk load first)`);
      const r = await runSessionsQuery(b);
      for (const s of r.stats) {
        const ratio = s.http.p95 / s.bare.p95;
        rows.push({
          dialect: kind,
          metric: `user sessions p50/p95 ms, sort=${s.sort}`,
          http: `${fmtMs(s.http.p50)} / ${fmtMs(s.http.p95)}`,
          raw: `${fmtMs(s.bare.p50)} / ${fmtMs(s.bare.p95)} (bare SQL)`,
          ratio: `p95 ${ratio.toFixed(2)}x`,
          target: `<=${QUERY_TARGET_RATIO}x`,
          ok: ratio <= QUERY_TARGET_RATIO,
        });
      }
    }
  } finally {
    await b.close();
  }
  log(`${kind}: done in ${((now() - t0) / 1000).toFixed(0)} s`);
};

const printTable = (rows: Row[], notes: string[]) => {
  const head: Row = { dialect: 'dialect' as Kind, metric: 'metric', http: 'over HTTP', raw: 'raw limit', ratio: 'ratio', target: 'target', ok: null };
  const cells = (r: Row) => [r.dialect, r.metric, r.http, r.raw, r.ratio, r.target, r === head ? 'ok?' : r.ok === null ? '' : r.ok ? 'OK' : 'MISS'];
  const all = [head, ...rows].map(cells);
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === 2 || c === 3 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line), ...notes];
  process.stdout.write(out.join('\n') + '\n');
};

const main = async () => {
  const t0 = now();
  process.stdout.write(`Gatehouse bench: node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}\n`);
  const rows: Row[] = [];
  const notes: string[] = [];
  if (ONLY !== 'postgres') await runDialect('sqlite', rows, notes);
  if (ONLY !== 'sqlite') {
    if (await pgReachable(PG_URL)) await runDialect('postgres', rows, notes);
    else notes.push(`postgres: skipped (${PG_URL.replace(/\/\/[^@]*@/, '//')} not reachable)`);
  }
  notes.push(`total ${((now() - t0) / 1000).toFixed(0)} s`);
  printTable(rows, notes);
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
