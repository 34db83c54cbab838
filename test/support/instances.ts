import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * Real service processes (`node dist/src/main.js`, as `npm start` runs it) for crash and multi-instance
 * tests: started with the environment given, on a free port, killed with SIGKILL or stopped with SIGTERM.
 * Their output is kept, so a test can see what each logged (which one became the leader).
 */
export interface Instance {
  name: string;
  url: string;
  port: number;
  output: () => string;
  alive: () => boolean;
  kill9: () => Promise<void>;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export async function startInstance(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
  port ??= await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=64', resolve('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, DUBAN_HOST: '127.0.0.1', DUBAN_PORT: String(port), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  let killed = false; // set before the signal is sent: a request failing because of the kill is never the instance's fault
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`instance ${name} exited at start:\n${out}`);
    if (out.includes('Duban listening')) break;
    if (i > 1200) {
      child.kill('SIGKILL');
      throw new Error(`instance ${name} did not start in 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    url,
    port,
    output: () => out,
    alive: () => !exited && !killed,
    async kill9() {
      killed = true;
      child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (exited) return;
      killed = true;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(t);
    },
  };
}

/** JSON over real HTTP to an instance; a refused connection (a killed instance) throws. */
export async function call(url: string, method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}
