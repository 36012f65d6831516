/**
 * Jest global setup: one real test cluster (scripts/test-cluster.ts: the control plane and the
 * node agent) for the whole run, shared by the suites that deploy; each suite works in namespaces
 * of its own. Suites that must break a cluster (restart the API server) or need a second one start
 * their own. The cluster's details reach the workers through TEST_PLANE (a JSON file).
 */
import { spawn } from 'node:child_process';
import { setTimeout, clearTimeout } from 'node:timers';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const STARTUP_MS = 180_000;

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'jest-test-plane-'));
  // Promotions the tests run keep their download cache (~/.cache/model-promote by default) in this
  // run's folder, removed at teardown: a test run leaves nothing in the user's home. Workers and
  // the processes they spawn inherit it.
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  const ready = join(dir, 'plane.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/test-cluster.ts',
      '--ready-file',
      ready,
      '--time-scale',
      '0.1',
      '--namespace',
      'models-prod',
    ],
    { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + STARTUP_MS;
  while (!existsSync(ready)) {
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve(undefined), 200)),
    ]);
    if (code !== undefined)
      throw new Error(`the test cluster did not start (exit ${code}):\n${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the test cluster did not start in ${STARTUP_MS / 1000} s:\n${stderr.trim()}`);
    }
  }
  process.env.TEST_PLANE = ready;
  globalThis.__testPlane = { child, exited, dir, info: JSON.parse(readFileSync(ready, 'utf8')) };
}

export async function teardown() {
  const plane = globalThis.__testPlane;
  if (!plane) return;
  plane.child.kill('SIGTERM');
  const timer = setTimeout(() => plane.child.kill('SIGKILL'), 30_000);
  await plane.exited;
  clearTimeout(timer);
  rmSync(plane.dir, { recursive: true, force: true });
}
