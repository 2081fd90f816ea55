import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** Starts wireguard-go, which daemonizes; detached so that stopping the agent's process group leaves it running. */
export function startWireguardGo(iface: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.WG_PROCESS_FOREGROUND;
    delete env.LOG_LEVEL; // with LOG_LEVEL set the daemon would keep our stdio open
    const child = spawn('wireguard-go', [iface], { stdio: 'ignore', detached: true, env });
    child.on('error', (e) => reject(new Error(`cannot start wireguard-go: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wireguard-go ${iface} exited with ${code}`))));
  });
}

/** Pid of the wireguard-go process serving `iface`, found by its command line in /proc. */
export async function findWireguardGoPid(iface: string, procRoot = '/proc'): Promise<number | null> {
  const found: number[] = [];
  for (const entry of await readdir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = (await readFile(`${procRoot}/${entry}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    } catch {
      continue; // exited meanwhile
    }
    if (argv[0] && basename(argv[0]) === 'wireguard-go' && argv[argv.length - 1] === iface) found.push(Number(entry));
  }
  return found.length === 0 ? null : Math.max(...found);
}
