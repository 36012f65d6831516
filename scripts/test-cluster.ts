/**
 * `npm run test-cluster -- --port N [--kubeconfig PATH] [--namespace NS]... [--progress-deadline-ms MS]`
 *
 * Serves the test cluster (a Kubernetes API server TEST DOUBLE, not Kubernetes; see
 * test/cluster/index.ts) on 127.0.0.1:N, writes its kubeconfig and prints the path. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/environments/catalog-loader.js';
import { startTestCluster } from '../test/cluster/index.js';
import { modelServerPods } from '../test/model-server/pods.js';

const USAGE =
  'usage: test-cluster [--port N] [--kubeconfig PATH] [--namespace NS]... [--progress-deadline-ms MS]\n' +
  '(without --namespace: the namespaces of examples/catalog.yaml)';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string', multiple: true },
      'progress-deadline-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`test-cluster: --port ${values.port} is not a port number\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const deadline = values['progress-deadline-ms'];
  // Pods run the promoted image's model files in a local model server (test/model-server).
  const pods = modelServerPods({ cwd: process.cwd() });
  const cluster = await startTestCluster({
    port,
    startPod: pods.startPod,
    ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
    namespaces: values.namespace ?? (await catalogNamespaces('examples/catalog.yaml')),
    ...(deadline ? { progressDeadlineMs: Number(deadline) } : {}),
  });
  pods.attach(cluster.store);
  console.log(`test cluster (a Kubernetes API test double, not Kubernetes) serving on ${cluster.url}`);
  console.log(`kubeconfig: ${cluster.kubeconfigPath}`);
  console.log(`try: kubectl --kubeconfig ${cluster.kubeconfigPath} get deploy -A   (Ctrl-C stops it)`);
  const stop = () => {
    Promise.all([cluster.close(), pods.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`test-cluster: closing: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The namespaces the example catalog's pools use, so `npm run demo -- --kubeconfig F` finds its own. */
async function catalogNamespaces(file: string): Promise<string[]> {
  const { catalog } = await loadCatalog(file);
  return [
    ...new Set(Object.values(catalog.environments).flatMap((env) => env.pools.map((pool) => pool.namespace))),
  ];
}

main().catch((error: unknown) => {
  console.error(`test-cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
