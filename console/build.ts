/**
 * Builds console/dist when it is missing or older than its sources, one process at a time (a lock
 * directory). `npm start` and `npm run demo` run it first; the browser tests call it too.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const CONSOLE = dirname(fileURLToPath(import.meta.url));
const SOURCES = [join(CONSOLE, 'src'), join(CONSOLE, 'index.html'), join(CONSOLE, 'vite.config.ts'), join(CONSOLE, '../src/contract')];

const newest = (path: string): number =>
  statSync(path).isDirectory()
    ? readdirSync(path, { withFileTypes: true }).reduce((m, e) => Math.max(m, newest(join(path, e.name))), 0)
    : statSync(path).mtimeMs;

export const ensureConsoleBuilt = async (): Promise<boolean> => {
  const lock = join(CONSOLE, '.build-lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    const index = join(CONSOLE, 'dist', 'index.html');
    if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map(newest))) return false;
    const { build } = await import('vite');
    await build({ configFile: join(CONSOLE, 'vite.config.ts'), logLevel: 'warn' });
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write('gatehouse: checking the console build...\n');
  const built = await ensureConsoleBuilt();
  process.stdout.write(built ? 'gatehouse: console built into console/dist\n' : 'gatehouse: console build is up to date\n');
}
