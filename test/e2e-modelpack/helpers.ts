/**
 * For the ModelPack end-to-end tests: `model-promote publish` run in-process from its command
 * module (so these tests do not depend on the command list in program.ts), and a plain container
 * image pushed where a model should be.
 */
import { publishCommand } from '../../src/cli/publish-command.js';
import { sha256Digest } from '../../src/oci/digest.js';
import { stableJson } from '../../src/oci/json.js';
import { MediaType } from '../../src/oci/media-types.js';
import { RegistryClient } from '../../src/oci/remote/client.js';
import { RegistrySink } from '../../src/oci/remote/registry-sink.js';
import { type CliRun, REPO } from '../e2e/helpers.js';

export async function runPublish(argv: readonly string[], cwd = REPO): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
    cwd,
  };
  const [command, action] = publishCommand();
  let code = 0;
  command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  command.action(async (...received: unknown[]) => {
    const args = received.slice(0, -2).map(String);
    try {
      code = await action(received.at(-2) as Record<string, unknown>, args, io);
    } catch (error) {
      stderr += `error: ${error instanceof Error ? error.message : String(error)}\n`;
      code = (error as { exitCode?: number }).exitCode ?? 1;
    }
  });
  await command.parseAsync([...argv], { from: 'user' });
  return { code, stdout, stderr };
}

/** A one-layer container image (not a model) at HOST/REPOSITORY:TAG. */
export async function pushPlainImage(host: string, repository: string, tag: string): Promise<void> {
  const sink = new RegistrySink(new RegistryClient({ registry: host }), repository);
  const layerBytes = Buffer.alloc(1024);
  const layer = await sink.writeBlob({ mediaType: MediaType.Layer }, async function* () {
    yield layerBytes;
  });
  const configBytes = stableJson({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  });
  const config = await sink.writeBlob(
    { mediaType: MediaType.ImageConfig, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    },
  );
  const manifest = stableJson({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config,
    layers: [layer],
  });
  await sink.writeManifest(manifest, MediaType.ImageManifest, [tag]);
}
