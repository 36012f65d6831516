/**
 * Shared by the registry end-to-end tests: the example model (examples/registry/sentiment, versions
 * 1 and 2, alias champion -> 2) served by the MLflow double (MLflow's API or GitLab's variant) and
 * by the Hugging Face Hub double, the registry tokens in the environment the CLI reads, a proxy
 * that answers 403 for one token (the MLflow double refuses only writes of a read-only token), and
 * the line a streamed upload logs when it resumes from the source.
 */
import { expect } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { HuggingFaceDouble } from '../doubles/huggingface-double.js';
import { MlflowDouble, type FileSource } from '../doubles/mlflow-double.js';
import { EXAMPLES } from '../e2e/helpers.js';

export const MLFLOW_TOKEN = 'mlflow-e2e-token';
export const HF_TOKEN = 'hf_e2e_token';
/** A token the proxy answers 403 for, on every request. */
export const DENIED_TOKEN = 'hf_denied_token';

const MODEL = path.join(EXAMPLES, 'registry/sentiment');

/** The files of example version 1 or 2, model.sig included. */
export async function exampleFiles(version: '1' | '2'): Promise<Map<string, FileSource>> {
  const dir = path.join(MODEL, version);
  const files = new Map<string, FileSource>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

/**
 * The example model in the MLflow double: registered-model tags for the model-wide labels, version
 * tags for each version's, alias champion -> 2. GitLab names the versions 1.0.0 and 2.0.0.
 */
export async function startMlflow(
  options: ConstructorParameters<typeof MlflowDouble>[0] = {},
): Promise<MlflowDouble> {
  const double = await new MlflowDouble({ token: MLFLOW_TOKEN, ...options }).start();
  const gitlab = options.dialect === 'gitlab';
  const model = double.addModel('sentiment', {
    workload: 'online-inference',
    runtime: 'onnx',
    accelerator: 'nvidia',
  });
  double.addVersion('sentiment', gitlab ? '1.0.0' : '1', await exampleFiles('1'), {
    'gpu-memory': '16Gi',
    framework: 'safetensors',
  });
  double.addVersion('sentiment', gitlab ? '2.0.0' : '2', await exampleFiles('2'), {
    'gpu-memory': '40Gi',
    framework: 'safetensors',
  });
  model.aliases.champion = gitlab ? '2.0.0' : '2';
  return double;
}

/** The example model as the Hub repository acme/sentiment: tags v1, v2 and champion; main at v2. */
export async function startHub(
  options: ConstructorParameters<typeof HuggingFaceDouble>[0] = {},
): Promise<{ double: HuggingFaceDouble; v1: string; v2: string }> {
  const double = await new HuggingFaceDouble({ token: HF_TOKEN, ...options }).start();
  double.addRepo('acme/sentiment');
  const card = (gpu: string) => ({
    cardData: { labels: { workload: 'online-inference', runtime: 'onnx', 'gpu-memory': gpu } },
    tags: ['safetensors', 'accelerator:nvidia', 'framework:safetensors'],
  });
  const v1 = await double.commit('acme/sentiment', await exampleFiles('1'), card('16Gi'));
  const v2 = await double.commit('acme/sentiment', await exampleFiles('2'), card('40Gi'));
  double.tag('acme/sentiment', 'v1', v1);
  double.tag('acme/sentiment', 'v2', v2);
  double.tag('acme/sentiment', 'champion', v2);
  return { double, v1, v2 };
}

/** Sets the registry tokens in process.env (the CLI reads them there); returns the restore. */
export function setRegistryEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}

/**
 * A loopback proxy in front of `upstream` (http://127.0.0.1:PORT) that answers
 * `403 {error_code: PERMISSION_DENIED}` (MLflow's permission error) to requests bearing
 * DENIED_TOKEN, and forwards everything else unchanged.
 */
export async function startDenyingProxy(upstream: string): Promise<{ url: string; stop(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization === `Bearer ${DENIED_TOKEN}`) {
      const body = JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'Permission denied' });
      res.writeHead(403, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The resume line the upload logs: the registry's offset in the layer and the layer's size. */
export function resumedAt(stderr: string): { offset: number; size: number } {
  const match = /resuming at byte (\d+) of (\d+) from the source/.exec(stderr);
  expect(match).not.toBeNull();
  return { offset: Number(match![1]), size: Number(match![2]) };
}
