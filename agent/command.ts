import { spawn } from 'node:child_process';

/** Runs a program without a shell and resolves its stdout. */
export type RunCommand = (cmd: string, args: readonly string[], opts?: { input?: string }) => Promise<string>;

/** Carries the command and its stderr only: stdout may hold a private key (`wg show dump`, `wg genkey`). */
export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${cmd} ${args[0] ?? ''} failed (exit ${exitCode}): ${stderr.trim().slice(0, 500)}`);
  }
}

export const runCommand: RunCommand = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CommandError(cmd, args, null, e.message)));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new CommandError(cmd, args, code, stderr));
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program may exit before reading; its exit code tells
      child.stdin.end(opts.input);
    }
  });
