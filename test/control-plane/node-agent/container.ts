/**
 * One container of a pod, as the node agent runs it: the model server (test/model-server) started
 * in the pod's network namespace over the image's unpacked files, its output kept as the
 * container log, its probes run over the pod network the way the kubelet runs them. Test code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../model-server/server.ts', import.meta.url));
const LOG_LINES = 2000;

export interface ProbeSpec {
  readonly httpGet?: { readonly path?: string; readonly port?: number | string; readonly scheme?: string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number }>;
  readonly env?: ReadonlyArray<{
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: {
      readonly fieldRef?: { readonly fieldPath: string };
      readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    };
  }>;
  readonly envFrom?: ReadonlyArray<{
    readonly prefix?: string;
    readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  }>;
  readonly startupProbe?: ProbeSpec;
  readonly readinessProbe?: ProbeSpec;
  readonly livenessProbe?: ProbeSpec;
}

export interface LogLine {
  readonly time: string;
  readonly text: string;
}

/** One start of the container's process; a restart is a new Instance. */
export class Instance {
  readonly lines: LogLine[] = [];
  readonly startedAt = new Date();
  readonly exited: Promise<{ exitCode: number; signal?: string; finishedAt: Date }>;
  private readonly child: ChildProcess;

  /** The process's id while it runs (`ip netns exec` execs the server, so this is the server). */
  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  constructor(netns: string, root: string, env: Record<string, string>) {
    this.child = spawn('ip', ['netns', 'exec', netns, process.execPath, SERVER], {
      env: { PATH: process.env.PATH ?? '', ...env, MODEL_PATH: join(root, env.MODEL_PATH ?? '/models') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (text) => this.log(text));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.log(`node agent: cannot start the container: ${error.message}`);
        resolve({ exitCode: 128, finishedAt: new Date() });
      });
      this.child.once('exit', (code, signal) =>
        resolve({
          exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15),
          ...(signal ? { signal } : {}),
          finishedAt: new Date(),
        }),
      );
    });
  }

  private log(text: string): void {
    this.lines.push({ time: new Date().toISOString(), text });
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
  }

  /** SIGTERM, then SIGKILL after `graceMs`, as the kubelet stops a container. */
  async stop(graceMs: number): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The message the kubelet puts in `terminated.message` (FallbackToLogsOnError): the log's tail. */
  tail(lines = 5): string {
    return this.lines
      .slice(-lines)
      .map((l) => l.text)
      .join('\n');
  }
}

/** The port a probe names: a number, or the name of one of the container's ports. */
function probePort(container: ContainerSpec, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port && /^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? container.ports?.[0]?.containerPort;
}

/** One HTTP probe, as the kubelet's prober: 200-399 is success; anything else, a reason. */
export function probeOnce(
  ip: string,
  container: ContainerSpec,
  probe: ProbeSpec,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const port = probePort(container, probe.httpGet?.port);
  const path = probe.httpGet?.path ?? '/';
  if (!probe.httpGet || port === undefined) return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    const req = request(
      {
        host: ip,
        port,
        path,
        method: 'GET',
        timeout: (probe.timeoutSeconds ?? 1) * 1000,
        headers: { 'User-Agent': 'kube-probe/1.37' },
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(
          code >= 200 && code < 400
            ? { ok: true }
            : { ok: false, reason: `HTTP probe failed with statuscode: ${code}` },
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')),
    );
    req.on('error', (error) =>
      resolve({ ok: false, reason: `Get "http://${ip}:${port}${path}": ${error.message}` }),
    );
    req.end();
  });
}
