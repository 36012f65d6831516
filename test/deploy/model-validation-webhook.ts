/**
 * A TEST DOUBLE for sigstore/model-validation-operator's pod webhook (internal/webhooks/
 * pod_webhook.go, as of commit 404c275cf508015390bb6a2ac54420e017154298), which cannot run here:
 * no package client reaches the operator, and the webhook needs the operator's image. What it
 * stands in for is small and is copied from that file's logic, not guessed: for a pod labelled
 * `validation.ml.sigstore.dev/ml: NAME`, it reads the ModelValidation NAME in the pod's namespace
 * and injects an init container that runs `/usr/local/bin/model_signing` with
 * `verify <sigstore|key|certificate> --signature=SIGNATURE_PATH <method options> MODEL_PATH`,
 * with the volume mounts of the pod's containers.
 *
 * The command itself is real: upstream's model_signing from PyPI (.test-tools/bin/model_signing).
 * The pod's volumes are folders here: each mount path maps to a folder (the unpacked image for the
 * image volume, the ConfigMap's data for the trust volume), and the paths in the arguments are
 * mapped the same way; nothing else in them changes.
 */
import { toolPath } from '../control-plane/tools.js';
import { execFileAsync } from '../e2e/helpers.js';

export interface ModelValidationSpec {
  readonly model: { readonly path: string; readonly signaturePath: string };
  readonly config: {
    readonly sigstoreConfig?: {
      readonly certificateIdentity?: string;
      readonly certificateOidcIssuer?: string;
    };
    readonly privateKeyConfig?: { readonly keyPath?: string };
    readonly pkiConfig?: { readonly certificateAuthority?: string };
  };
}

/** The webhook's `args`: `verify`, the method's options, the model path (validationConfigToArgs). */
export function initContainerArgs(spec: ModelValidationSpec): string[] {
  const { config, model } = spec;
  const signature = `--signature=${model.signaturePath}`;
  let method: string[] = [];
  if (config.sigstoreConfig) {
    method = [
      'sigstore',
      signature,
      '--identity',
      config.sigstoreConfig.certificateIdentity ?? '',
      '--identity_provider',
      config.sigstoreConfig.certificateOidcIssuer ?? '',
    ];
  } else if (config.privateKeyConfig) {
    method = ['key', signature, '--public_key', config.privateKeyConfig.keyPath ?? ''];
  } else if (config.pkiConfig) {
    method = ['certificate', signature, '--certificate_chain', config.pkiConfig.certificateAuthority ?? ''];
  }
  return ['verify', ...method, model.path];
}

/** `mountPath -> folder`: the pod's volume mounts as folders on this machine. */
export type Mounts = ReadonlyMap<string, string>;

/** Each path argument (alone or after `=`) under a mount path, mapped to its folder. */
export function mapPaths(args: readonly string[], mounts: Mounts): string[] {
  const map = (path: string) => {
    for (const [mountPath, folder] of mounts) {
      if (path === mountPath || path.startsWith(`${mountPath}/`))
        return folder + path.slice(mountPath.length);
    }
    return path;
  };
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    return arg.startsWith('--') && eq > 0 ? `${arg.slice(0, eq + 1)}${map(arg.slice(eq + 1))}` : map(arg);
  });
}

/** Runs the init container's command: exit code and output. */
export async function runInitContainer(
  spec: ModelValidationSpec,
  mounts: Mounts,
): Promise<{ code: number; output: string; args: string[] }> {
  const args = mapPaths(initContainerArgs(spec), mounts);
  try {
    const { stdout, stderr } = await execFileAsync(toolPath('model_signing'), args);
    return { code: 0, output: `${stdout}${stderr}`, args };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      args,
    };
  }
}
