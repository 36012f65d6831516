/**
 * Debian's real `prometheus` on 127.0.0.1 and a free port, scraping one target every second, for
 * integration tests; and a tiny exporter of DCGM-shaped series (test code: it stands in for NVIDIA's
 * DCGM exporter, which needs a GPU). Like the real exporter with its Kubernetes mapping on, it
 * labels each GPU with the pod using it: here every pod of a namespace gets one GPU of fixed values.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../registry/registry-server.js';

export interface TestPrometheus {
  readonly url: string;
  readonly log: string[];
  stop(): Promise<void>;
}

export async function startPrometheus(target: string): Promise<TestPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - { job_name: dcgm, static_configs: [ { targets: ['${target}'] } ] }`,
      '',
    ].join('\n'),
  );
  const log: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not start on ${url}:\n${log.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The fixed values every pod's GPU reports: utilization %, framebuffer used and free (MiB). */
export const GPU_VALUES = { utilization: 42, usedMiB: 3000, freeMiB: 5000 } as const;

export interface DcgmExporter {
  /** host:port, for a scrape target. */
  readonly target: string;
  close(): Promise<void>;
}

/** Serves /metrics: one GPU per pod `pods()` names now, in the exporter's format and labels. */
export async function startDcgmExporter(
  namespace: string,
  pods: () => Promise<readonly string[]>,
): Promise<DcgmExporter> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    pods().then(
      (names) => {
        const lines: string[] = [];
        const families = [
          ['DCGM_FI_DEV_GPU_UTIL', 'GPU utilization (in %).', GPU_VALUES.utilization],
          ['DCGM_FI_DEV_FB_USED', 'Framebuffer memory used (in MiB).', GPU_VALUES.usedMiB],
          ['DCGM_FI_DEV_FB_FREE', 'Framebuffer memory free (in MiB).', GPU_VALUES.freeMiB],
        ] as const;
        for (const [name, help, value] of families) {
          lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
          // One GPU per pod, its UUID the pod's own: the pod list changes as a rollout goes, and a
          // UUID from a pod's place in it would give one pod's samples several GPUs.
          names.forEach((pod) =>
            lines.push(
              `${name}{gpu="0",UUID="GPU-${pod}",device="nvidia0",modelName="NVIDIA L4",` +
                `container="model",namespace="${namespace}",pod="${pod}"} ${value}`,
            ),
          );
        }
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
