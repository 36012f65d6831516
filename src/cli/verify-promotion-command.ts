import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { parsePolicyInputs } from '../inputs.js';
import { addInputOptions, inputReader } from './options.js';
import type { CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

export function verifyPromotionCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('verify-promotion')
      .description(
        "Check an image's promotion attestation: its signature, that it names this image, and the environment; change nothing.",
      )
      .argument('<image>', 'the image, HOST/REPO@sha256:... (or a tag, resolved to its digest first)')
      .addOption(
        new Option(
          '--environment <name>',
          'refuse an attestation that promoted the image to another environment',
        ),
      )
      .addOption(
        new Option('--layers', "also re-hash the image's model files against the signed model's digests"),
      ),
    ['identity', 'issuer', 'trusted-root', 'public-key', 'registry-username', 'insecure-registry'],
  ).addOption(new Option('--json', 'print the result as JSON on stdout'));
  return [
    command,
    async (options, [image], io) => {
      const [
        { RegistryClient },
        { credentialProvider },
        { parseImageReference },
        { requirementFromInputs, usesPublicGood, withPublicGoodRoot },
        { refreshPublicGoodRoot },
        { verifyPromotionImage },
      ] = await Promise.all([
        import('../oci/remote/client.js'),
        import('../oci/remote/credentials.js'),
        import('../oci/remote/reference.js'),
        import('../signing/policy-sources.js'),
        import('../signing/public-good-root.js'),
        import('../attest/verify-promotion.js'),
      ]);
      const reference = parseImageReference(image!);
      const requirement = await requirementFromInputs(parsePolicyInputs(inputReader(options)), io.cwd);
      const policy = requirement?.alternatives[0];
      if (!policy || policy.method === 'certificate') {
        throw new UsageError(
          'verify-promotion needs a signing policy for the attestation',
          'give --public-key FILE (the key of attest-key), or --identity and --issuer (keyless)',
        );
      }
      const logger = stderrLogger(io.stderr, options.verbose === true);
      const root = usesPublicGood([requirement]) ? await refreshPublicGoodRoot({ logger }) : undefined;
      const [trusted] = withPublicGoodRoot([{ source: 'inputs', alternatives: [policy] }], root);
      const username = options.registryUsername as string | undefined;
      const password = process.env.MODEL_PROMOTE_REGISTRY_PASSWORD;
      const client = new RegistryClient({
        registry: reference.registry,
        credentials: credentialProvider({
          ...(username && { username }),
          ...(username && password && { password }),
        }),
        insecure: options.insecureRegistry === true,
        logger,
      });
      const result = await verifyPromotionImage(
        client,
        reference,
        trusted!.alternatives[0] as typeof policy,
        {
          ...(typeof options.environment === 'string' && { environment: options.environment }),
          layers: options.layers === true,
        },
      );
      if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout(
          `verified: ${result.image} was promoted to ${result.environment} (pool ${result.pool}) by promotion ${result.promotionId}\n` +
            `model ${result.model.name} v${result.model.version} ${result.model.digest}` +
            (result.layersChecked !== undefined
              ? `, ${result.layersChecked} files re-hashed from the image`
              : '') +
            `\nattestation ${result.attestation} signed by ${result.signer}${result.issuer ? ` (${result.issuer})` : ''}\n`,
        );
      }
      return 0;
    },
  ];
}
