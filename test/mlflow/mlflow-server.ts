/**
 * The real MLflow tracking server (from scripts/test-tools.sh's virtual environment) on 127.0.0.1,
 * as users run it: a SQLite backend store and artifact serving (`--serve-artifacts`), in a
 * temporary folder removed by stop(). And the MLflow Python client, driving it as users do
 * (mlflow_client.py).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../registry/registry-server.js';
import { toolPath } from '../control-plane/tools.js';

const run = promisify(execFile);
const CLIENT = join(import.meta.dirname, 'mlflow_client.py');

export interface MlflowServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** What `--registry` takes: `mlflow+http://127.0.0.1:PORT`. */
  readonly registry: string;
  readonly log: string[];
  /** Registers `folder` as a new version of `model` with the Python client; returns its number. */
  register(model: string, folder: string, labels: Record<string, string>, alias?: string): Promise<string>;
  /** Aliases and version tags, as the Python client reads them. */
  show(model: string): Promise<{
    aliases: Record<string, string>;
    versions: Record<string, { tags: Record<string, string>; status: string }>;
  }>;
  stop(): Promise<void>;
}

export async function startMlflowServer(): Promise<MlflowServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-server-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    toolPath('mlflow'),
    [
      'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
      '--serve-artifacts', '--artifacts-destination', join(dir, 'artifacts'),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MLFLOW_TRACKING_URI: '' } },
  ); // prettier-ignore
  const log: string[] = [];
  const collect = (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`mlflow server exited ${child.exitCode}: ${log.slice(-20).join('\n')}`);
    }
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server did not answer on ${url} within 90 s: ${log.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const python = async (...args: string[]) => {
    const { stdout } = await run(toolPath('test-python'), [CLIENT, ...args], {
      cwd: dir,
      timeout: 120_000,
      env: { ...process.env, MLFLOW_TRACKING_URI: url },
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as unknown;
  };
  return {
    url,
    registry: `mlflow+${url}`,
    log,
    async register(model, folder, labels, alias) {
      const out = (await python(
        'register',
        url,
        model,
        folder,
        JSON.stringify(labels),
        ...(alias ? [alias] : []),
      )) as {
        version: string;
      };
      return out.version;
    },
    show: (model) => python('show', url, model) as ReturnType<MlflowServer['show']>,
    stop,
  };
}
