/**
 * Several clusters per environment: `clusters: [{context, namespace?}]` on a pool (see
 * catalog-schema.ts). Promoted in order (a canary cluster first); at the
 * first failure the clusters already done are rolled back, newest first. Each cluster's Lease is
 * held until the end, so nobody promotes between our rollout and our rollback.
 */
import { DeployError } from './cluster-error.js';
import {
  deployOne,
  reportOf,
  type Deployed,
  type DeployInput,
  type DeployReport,
  type DeployResult,
} from './deploy.js';

export type { ClusterTarget } from '../environments/catalog-schema.js';
import type { ClusterTarget } from '../environments/catalog-schema.js';

export interface MultiDeployResult {
  readonly results: readonly DeployResult[];
}

export async function deployToClusters(
  input: DeployInput,
  clusters: readonly ClusterTarget[],
): Promise<MultiDeployResult> {
  const done: Deployed[] = [];
  try {
    for (const target of clusters) {
      input.logger.info(`cluster ${target.context}${target.namespace ? `/${target.namespace}` : ''}`);
      try {
        done.push(await deployOne({ ...input, target }));
      } catch (error) {
        const reports: DeployReport[] = [];
        for (const earlier of [...done].reverse()) {
          const reason = `cluster ${target.context} failed: ${error instanceof Error ? error.message : String(error)}`;
          try {
            await earlier.rollback(reason);
            reports.push({ ...earlier.result, rolledBack: true, reason });
          } catch (rollbackError) {
            reports.push({
              ...earlier.result,
              rolledBack: false,
              reason: `${reason}; ${(rollbackError as Error).message}`,
            });
          }
        }
        const own = reportOf(error);
        const failed =
          error instanceof DeployError
            ? error
            : new DeployError('failed', 'api-error', String(error), undefined, { cause: error });
        const message =
          done.length > 0
            ? `${failed.message}; rolled back ${done.map((d) => d.result.cluster).join(', ')} too`
            : failed.message;
        const wrapped = new DeployError(failed.kind, failed.code, message, failed.hint, {
          cause: failed,
          ...(failed.evidence ? { evidence: failed.evidence } : {}),
        });
        Object.assign(wrapped, { report: own, reports: [...reports.reverse(), ...(own ? [own] : [])] });
        throw wrapped;
      }
    }
    return { results: done.map((d) => d.result) };
  } finally {
    for (const d of done) await d.release();
  }
}
