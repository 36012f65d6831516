/**
 * `model-promote drift --environment E`: the cluster against what the last promotion applied (the
 * applied record each promotion keeps beside its objects), with cluster access only. Exit 0 when
 * nothing drifted, or nothing was promoted to E yet (a scheduled job before the first promotion is
 * not failing); 1 with --fail-on-drift when something did; 2 for bad flags; a cluster that cannot
 * be reached fails with the same codes as promote.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { addInputOptions } from './options.js';
import type { CliIo, CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

interface DriftOptions {
  readonly environment?: string;
  readonly catalog?: string;
  readonly kubeconfig?: string;
  readonly model?: string;
  readonly output?: string;
  readonly json?: boolean;
  readonly failOnDrift?: boolean;
  readonly reportIssue?: boolean;
  readonly verbose?: boolean;
}

export function driftCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('drift').description(
      'Compare what runs in the environment with what the last promotion applied: fields changed by another field manager, pods on another image digest, another replica range, deleted objects.',
    ),
    ['environment', 'catalog', 'kubeconfig'],
  )
    .addOption(
      new Option('--model <name>', "only this model's promotion (default: every model in the environment)"),
    )
    .addOption(new Option('--output <dir>', 'write the drift record to DIR/drift.json'))
    .addOption(new Option('--json', 'print the drift record as JSON on stdout (logs stay on stderr)'))
    .addOption(new Option('--fail-on-drift', 'exit 1 when drift is found'))
    .addOption(
      new Option(
        '--report-issue',
        'open or update one issue per environment while drift lasts, close it when it is gone (GitHub: GITHUB_TOKEN with issues: write; GitLab: GITLAB_TOKEN with api scope)',
      ),
    );
  return [command, (options, _args, io) => runDrift(options as DriftOptions, io)];
}

export async function runDrift(options: DriftOptions, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  if (!options.environment)
    throw new UsageError(
      'drift needs --environment',
      'name the environment to check, as the catalog names it',
    );
  const logger = stderrLogger(io.stderr, Boolean(options.verbose));
  const [
    { issueSink },
    { loadCatalog },
    { environmentOf },
    { checkDrift, driftTargets },
    { driftRecord, driftTable },
  ] = await Promise.all([
    import('./drift-issue-sink.js'),
    import('../environments/catalog-loader.js'),
    import('../environments/resolve-pool.js'),
    import('../deploy/drift-check.js'),
    import('../report/drift-record.js'),
  ]);
  // Checked before the cluster is read: a job that cannot report should say so at once.
  const report = options.reportIssue ? issueSink(env, logger) : undefined;
  const catalog = await loadCatalog(options.catalog, io.cwd);
  const targets = driftTargets(environmentOf(catalog, options.environment).pools);
  const promotions = await checkDrift({
    environment: options.environment,
    targets,
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    env,
    logger,
  });
  const record = driftRecord(options.environment, targets, promotions, new Date());
  if (options.json) io.stdout(`${JSON.stringify(record, null, 2)}\n`);
  else io.stdout(driftTable(record));
  if (options.output) {
    const [{ mkdir, writeFile }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    const dir = path.resolve(io.cwd, options.output);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'drift.json'), `${JSON.stringify(record, null, 2)}\n`);
    logger.info(`drift record: ${path.join(options.output, 'drift.json')}`);
  }
  if (report) await report(record);
  return record.status === 'drift' && options.failOnDrift ? 1 : 0;
}
