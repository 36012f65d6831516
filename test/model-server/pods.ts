/**
 * The test cluster's `startPod` hook for model images: each pod becomes a local node process
 * running test/model-server/server.ts over the image's unpacked layers, with the environment the
 * kubelet would give the container (its env and its ConfigMap envFrom). Test code.
 *
 * Why a process and not podman: the images model-promote builds for the demo pools are modelcar
 * images on `scratch`: model files and config, no server executable. podman could unpack them but
 * has nothing to run; this runs the same bytes (the pushed layers) under a real HTTP server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KubeObject, ObjectStore, StartPod, StartedPod } from '../cluster/index.js';
import { typeOf } from '../cluster/resources.js';
import { unpackImage } from './unpack.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

interface Container {
  name?: string;
  image?: string;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name?: string } }>;
}

export interface ModelServerPods {
  readonly startPod: StartPod;
  /** Gives the hook the cluster's store (to read ConfigMaps), once the cluster is started. */
  attach(store: ObjectStore): void;
  /** Stops every process and removes the unpacked images. */
  close(): Promise<void>;
  /** Pods started so far (for assertions). */
  readonly started: () => number;
}

export function modelServerPods(options: { cwd?: string; startTimeoutMs?: number } = {}): ModelServerPods {
  let store: ObjectStore | undefined;
  const images = new Map<string, Promise<string>>();
  const processes = new Set<ChildProcess>();
  let count = 0;

  const environment = (pod: KubeObject, container: Container): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      const name = from.configMapRef?.name;
      if (!name || !store) continue;
      const cm = store.get(typeOf('configmaps'), pod.metadata.namespace, name) as
        { data?: Record<string, string> } | undefined;
      Object.assign(env, cm?.data ?? {});
    }
    for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    return env;
  };

  const startPod: StartPod = async (pod): Promise<StartedPod> => {
    const container = ((pod.spec as { containers?: Container[] }).containers ?? [])[0] ?? {};
    const image = container.image ?? '';
    if (!images.has(image)) images.set(image, unpackImage(image, options.cwd));
    const root = await images.get(image)!;
    const env = environment(pod, container);
    const child = spawn(process.execPath, [SERVER], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        MODEL_PATH: join(root, env.MODEL_PATH ?? '/models'),
        SERVING_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    processes.add(child);
    child.once('exit', () => processes.delete(child));
    count++;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('model server did not start')),
        options.startTimeoutMs ?? 10_000,
      );
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`model server exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^listening (\d+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  };

  return {
    startPod,
    attach(s) {
      store = s;
    },
    started: () => count,
    async close() {
      await Promise.all(
        [...processes].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      for (const root of images.values())
        await rm(await root.catch(() => ''), { recursive: true, force: true }).catch(() => undefined);
      images.clear();
    },
  };
}
