import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deployOne,
  reportOf
} from "./chunk-GWODLVSK.js";
import "./chunk-RMOHXDDH.js";
import "./chunk-TYF5U52R.js";
import "./chunk-WHQ2FI6V.js";
import "./chunk-NPMHQBIR.js";
import "./chunk-HHEFGIJB.js";
import {
  DeployError
} from "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/deploy/cluster-targets.ts
async function deployToClusters(input, clusters) {
  const done = [];
  try {
    for (const target of clusters) {
      input.logger.info(`cluster ${target.context}${target.namespace ? `/${target.namespace}` : ""}`);
      try {
        done.push(await deployOne({ ...input, target }));
      } catch (error) {
        const reports = [];
        for (const earlier of [...done].reverse()) {
          const reason = `cluster ${target.context} failed: ${error instanceof Error ? error.message : String(error)}`;
          try {
            await earlier.rollback(reason);
            reports.push({ ...earlier.result, rolledBack: true, reason });
          } catch (rollbackError) {
            reports.push({
              ...earlier.result,
              rolledBack: false,
              reason: `${reason}; ${rollbackError.message}`
            });
          }
        }
        const own = reportOf(error);
        const failed = error instanceof DeployError ? error : new DeployError("failed", "api-error", String(error), void 0, { cause: error });
        const message = done.length > 0 ? `${failed.message}; rolled back ${done.map((d) => d.result.cluster).join(", ")} too` : failed.message;
        const wrapped = new DeployError(failed.kind, failed.code, message, failed.hint, {
          cause: failed,
          ...failed.evidence ? { evidence: failed.evidence } : {}
        });
        Object.assign(wrapped, { report: own, reports: [...reports.reverse(), ...own ? [own] : []] });
        throw wrapped;
      }
    }
    return { results: done.map((d) => d.result) };
  } finally {
    for (const d of done) await d.release();
  }
}
export {
  deployToClusters
};
