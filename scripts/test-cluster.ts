/**
 * `npm run test-cluster -- [--port N] [--kubeconfig PATH] [--namespace NS]... [--catalog FILE]
 *                          [--time-scale X] [--ready-file PATH]`
 *
 * Starts a real Kubernetes control plane on loopback (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, built by scripts/test-tools.sh) with the test node agent (a kubelet stand-in whose
 * pods run the model's files in a small model server), Nodes shaped like the catalog's pools, and
 * KServe's InferenceService CRD. Writes an admin kubeconfig and prints its path. Ctrl-C stops it.
 * Needs root (pods get network namespaces).
 */
import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/environments/catalog-loader.js';
import { startTestPlane } from '../test/control-plane/test-plane.js';

const USAGE =
  'usage: test-cluster [--port N] [--kubeconfig PATH] [--namespace NS]... [--catalog FILE] [--time-scale X] [--ready-file PATH]\n' +
  '(without --namespace: the namespaces of the catalog, examples/catalog.yaml by default)';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string', multiple: true },
      catalog: { type: 'string', default: 'examples/catalog.yaml' },
      'time-scale': { type: 'string', default: '1' },
      'ready-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return usage(`--port ${values.port} is not a port number`);
  if (!(timeScale > 0 && timeScale <= 1))
    return usage(`--time-scale ${values['time-scale']} is not in (0, 1]`);

  const { catalog } = await loadCatalog(values.catalog);
  const namespaces = values.namespace ?? [
    ...new Set(Object.values(catalog.environments).flatMap((env) => env.pools.map((pool) => pool.namespace))),
  ];
  const started = Date.now();
  console.log(
    'test-cluster: starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the node agent',
  );
  const cluster = await startTestPlane({
    ...(port ? { port } : {}),
    ...(values.kubeconfig ? { kubeconfigPath: resolve(values.kubeconfig) } : {}),
    catalog,
    namespaces,
    timeScale,
    cwd: process.cwd(),
  });
  console.log(
    `test-cluster: serving on ${cluster.plane.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(`nodes: ${cluster.agent.nodes.join(', ')}`);
  console.log(`kubeconfig: ${cluster.kubeconfigPath}`);
  console.log(`try: kubectl --kubeconfig ${cluster.kubeconfigPath} get nodes   (Ctrl-C stops it)`);
  if (values['ready-file']) {
    // Written whole, then renamed into place: the test run polls for the file and reads it at once,
    // and could otherwise read it empty (seen once in CI as "Unexpected end of JSON input").
    const partial = `${values['ready-file']}.partial`;
    await writeFile(
      partial,
      JSON.stringify({
        url: cluster.plane.url,
        kubeconfigPath: cluster.kubeconfigPath,
        deployerKubeconfigPath: join(cluster.plane.dir, 'deployer.kubeconfig'),
        dir: cluster.plane.dir,
        pid: process.pid,
      }),
    );
    await rename(partial, values['ready-file']);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    cluster.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`test-cluster: closing: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values['ready-file']) {
    // A test run started us with a pipe on stdin; if it dies without a signal, the pipe closes.
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}

function usage(problem: string): void {
  console.error(`test-cluster: ${problem}\n${USAGE}`);
  process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(`test-cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
