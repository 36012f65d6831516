/**
 * The certificate method: the bundle's `x509CertificateChain` (leaf first, then intermediates) must
 * lead to one of the policy's trust anchors. sigstore-js refuses a certificate chain inside a v0.3
 * bundle, so the path is found here (node:crypto, for messages that say where it broke), then
 * validated by pkijs's RFC 5280 engine (CA flags, key usage, validity, name constraints, policies),
 * plus the two rules that engine leaves out: pathLenConstraint, and critical extensions nobody here
 * understands. The leaf must be fit for code signing, as upstream model_signing requires.
 */
import { X509Certificate } from 'node:crypto';
import { X509Certificate as ParsedCertificate } from '@sigstore/core';
// Loaded when a certificate chain is checked: pkijs and asn1js are a large part of what verify loads.
import type * as Pkijs from 'pkijs';
import type { SignatureBundle } from './bundle.js';
import { SigningError } from './signing-error.js';
import { verifyEnvelopeSignature } from './verify-key.js';

const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';
// A real chain is short; the bound keeps a hostile bundle from making us walk forever.
const MAX_CHAIN_LENGTH = 10;

export interface CertificateSigner {
  /** The leaf's subject. */
  signer: string;
  /** The subject of the trust anchor the chain ends at. */
  issuer: string;
}

export async function verifyWithCertificate(
  bundle: SignatureBundle,
  anchorsPem: readonly string[],
  now: Date,
  v020Compat: boolean,
): Promise<CertificateSigner> {
  const material = bundle.material;
  if (material.kind !== 'certificate-chain') {
    throw new SigningError(
      'method-mismatch',
      `verifying model signature with a certificate chain: the bundle carries a ${material.kind}, not a certificate chain`,
      'use the keyless or key method that matches how the model was signed',
    );
  }
  const [leaf, ...intermediates] = material.ders.map((der, i) => readCertificate(der, i));
  if (leaf === undefined) throw new Error('unreachable: parseBundle guarantees a non-empty chain');
  const anchors = anchorsPem.map((pem) => new X509Certificate(pem));

  checkLeafUsage(leaf);
  const path = buildPath(leaf, intermediates, anchors);
  // The certificate method has no transparency log nor trusted timestamp to date the signature,
  // so validity is checked at `now` (the caller's clock): an expired certificate is refused even
  // if the signature was made while it was valid. Upstream checks at the leaf's notBefore instead,
  // which never refuses an expired chain; we prefer to fail closed.
  for (const certificate of path) checkValidity(certificate, now);
  await validatePath(path, now);

  if (!verifyEnvelopeSignature(bundle.envelope, leaf.publicKey, v020Compat)) {
    throw new SigningError(
      'bad-signature',
      `verifying model signature by certificate ${leaf.subject}: the signature does not match the signed statement`,
      'the signature or its statement was altered after signing; get an intact model.sig or sign the model again',
    );
  }
  const anchor = path[path.length - 1] ?? leaf;
  return { signer: distinguishedName(leaf.subject), issuer: distinguishedName(anchor.subject) };
}

/**
 * Walks from the leaf up, one verified issuer at a time, until a trust anchor signed the current
 * certificate. Anchors are tried first so a bundle cannot substitute its own copy of a root.
 */
function buildPath(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  anchors: X509Certificate[],
): X509Certificate[] {
  const path = [leaf];
  let current = leaf;
  while (path.length <= MAX_CHAIN_LENGTH) {
    const anchor = anchors.find(
      (candidate) => issuedBy(current, candidate) && current.checkIssued(candidate),
    );
    if (anchor !== undefined) return [...path, anchor];
    const next = intermediates.find((candidate) => !path.includes(candidate) && issuedBy(current, candidate));
    if (next === undefined) break;
    checkIssuerIsCa(next);
    // OpenSSL's issuer check adds key identifier matching on top of names and CA usage.
    if (!current.checkIssued(next)) break;
    path.push(next);
    current = next;
  }
  throw new SigningError(
    'untrusted-chain',
    `verifying certificate chain of ${distinguishedName(leaf.subject)}: it does not lead to any of the ${anchors.length} trust anchor(s) (stopped at ${distinguishedName(current.subject)}, issued by ${distinguishedName(current.issuer)})`,
    'give the root (or intermediate) CA certificate that issued the signing certificate as a trust anchor, or get a model signed under a trusted CA',
  );
}

/** OIDs of the extensions a critical flag may carry: those the checks here (or pkijs's) process. */
const UNDERSTOOD_EXTENSIONS = new Set([
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.30', // nameConstraints
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.36', // policyConstraints
  '2.5.29.37', // extendedKeyUsage
  '2.5.29.54', // inhibitAnyPolicy
]);
const BASIC_CONSTRAINTS = '2.5.29.19';

/**
 * RFC 5280 validation of `path` (leaf first, trust anchor last) at `now`. pkijs checks signatures,
 * dates, name chaining, CA flags and key usage of issuers, name constraints and policies; this adds
 * the critical-extension rule (§4.2: refuse a critical extension not understood) and
 * pathLenConstraint (§4.2.1.9: how many intermediates may follow a CA), which pkijs does not check.
 */
async function validatePath(path: X509Certificate[], now: Date): Promise<void> {
  const pkijs = await import('pkijs');
  const parsed = path.map((certificate) => pkijs.Certificate.fromBER(certificate.raw));
  parsed.forEach((certificate, i) => {
    for (const extension of certificate.extensions ?? []) {
      if (extension.critical && !UNDERSTOOD_EXTENSIONS.has(extension.extnID)) {
        throw chainRule(
          path[i]!,
          `it has a critical extension ${extension.extnID} that is not understood (RFC 5280 §4.2)`,
        );
      }
    }
  });
  // The CA at index k (k >= 1) has k - 1 intermediates between it and the leaf.
  parsed.forEach((certificate, k) => {
    if (k === 0) return;
    const constraints = certificate.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS)?.parsedValue as
      Pkijs.BasicConstraints | undefined;
    const limit = constraints?.pathLenConstraint;
    if (typeof limit === 'number' && k - 1 > limit) {
      throw chainRule(
        path[k]!,
        `its pathLenConstraint is ${limit}, but ${k - 1} intermediate certificate(s) follow it (RFC 5280 §4.2.1.9)`,
      );
    }
  });
  // pkijs takes the end-entity certificate last.
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: parsed.slice(-1),
    certs: parsed.slice(0, -1).reverse(),
    checkDate: now,
  });
  const result = await engine.verify();
  if (!result.result) {
    throw new SigningError(
      'untrusted-chain',
      `verifying certificate chain of ${distinguishedName(path[0]!.subject)}: ${result.resultMessage || 'RFC 5280 path validation failed'}`,
      'get the model signed with a certificate whose chain meets RFC 5280 (CA flags, key usage, name constraints), or trust another anchor',
    );
  }
}

function chainRule(certificate: X509Certificate, why: string): SigningError {
  return new SigningError(
    'untrusted-chain',
    `verifying certificate chain: certificate ${distinguishedName(certificate.subject)}: ${why}`,
    'sign with a certificate whose chain meets RFC 5280, or fix the CA that issued it',
  );
}

/**
 * Same name and a valid signature by the candidate's key. Node's checkIssued is left to the caller:
 * it also refuses issuers that are not CAs, which would hide why a chain failed.
 */
function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  if (certificate === issuer || certificate.issuer !== issuer.subject) return false;
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false; // a key type node cannot use to verify this signature is simply not the issuer
  }
}

function checkIssuerIsCa(certificate: X509Certificate): void {
  const parsed = ParsedCertificate.parse(certificate.raw);
  const usage = parsed.extKeyUsage;
  if (!certificate.ca || (usage !== undefined && !usage.keyCertSign)) {
    throw new SigningError(
      'untrusted-chain',
      `verifying certificate chain: intermediate ${distinguishedName(certificate.subject)} is not a CA (basicConstraints CA and keyCertSign required)`,
      'the chain in the signature was altered or built from a non-CA certificate; sign with a certificate issued by a real CA',
    );
  }
}

/**
 * The leaf must be meant for signing: keyUsage digitalSignature; with no keyUsage at all, the code
 * signing extended usage (as upstream accepts). An extended usage that excludes code signing is refused.
 */
export function checkLeafUsage(leaf: X509Certificate): void {
  const usage = ParsedCertificate.parse(leaf.raw).extKeyUsage;
  const extended = leaf.keyUsage as string[] | undefined; // node names extendedKeyUsage `keyUsage`
  const codeSigning =
    extended === undefined || extended.includes(CODE_SIGNING_EKU) || extended.includes('2.5.29.37.0');
  const signing =
    usage !== undefined ? usage.digitalSignature : extended?.includes(CODE_SIGNING_EKU) === true;
  if (!signing || !codeSigning) {
    throw new SigningError(
      'bad-key-usage',
      `verifying signing certificate ${distinguishedName(leaf.subject)}: its key usage does not allow signing code (needs digitalSignature${extended ? ' and extendedKeyUsage codeSigning' : ''})`,
      'issue the signing certificate with keyUsage digitalSignature (and extendedKeyUsage codeSigning)',
    );
  }
}

export function checkValidity(certificate: X509Certificate, at: Date): void {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (at < notBefore || at > notAfter) {
    throw new SigningError(
      'certificate-expired',
      `verifying certificate ${distinguishedName(certificate.subject)}: it is valid from ${notBefore.toISOString()} to ${notAfter.toISOString()}, not at ${at.toISOString()}`,
      'renew the certificate and sign the model again',
    );
  }
}

function readCertificate(der: Buffer, index: number): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw new SigningError(
      'malformed-bundle',
      `reading signature bundle: x509CertificateChain.certificates[${index}] is not a DER certificate`,
      'sign the model again with model_signing and pass its model.sig',
      { cause },
    );
  }
}

/** Node joins RDNs with newlines; one line reads better in messages and reports. */
export function distinguishedName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
