/**
 * The certificates and keys one control plane needs, made with the real openssl (test code): a
 * cluster CA, the API server's serving certificate (loopback and the in-cluster names), and the
 * service account signing key pair, and the aggregation layer's front-proxy client certificate
 * (the API server proves itself with it to an extension API server, such as the metrics API the
 * node agent serves). Client identities are bearer tokens (see control-plane.ts).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** CN front-proxy-client, client auth: what the aggregator presents to extension API servers. */
  readonly proxyClientCert: string;
  readonly proxyClientKey: string;
}

/** The CN the API server accepts request headers (X-Remote-User) from, as kubeadm names it. */
export const FRONT_PROXY_CLIENT = 'front-proxy-client';

const openssl = (...args: string[]) => run('openssl', args, { timeout: 30_000 });

async function ecKey(path: string): Promise<void> {
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path);
}

/** A CA and certificates signed by it, in `dir`. `names` go in the serving certificate's SAN. */
export async function makePki(dir: string, names: { ips: string[]; dns: string[] }): Promise<Pki> {
  const f = (name: string) => join(dir, name);
  const pki: Pki = {
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    serverCert: f('apiserver.crt'),
    serverKey: f('apiserver.key'),
    serviceAccountKey: f('sa.key'),
    serviceAccountPub: f('sa.pub'),
    proxyClientCert: f('front-proxy-client.crt'),
    proxyClientKey: f('front-proxy-client.key'),
  };
  await Promise.all([
    ecKey(pki.caKey),
    ecKey(pki.serverKey),
    ecKey(pki.serviceAccountKey),
    ecKey(pki.proxyClientKey),
  ]);
  await openssl('pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub);
  await openssl(
    'req', '-x509', '-new', '-key', pki.caKey, '-sha256', '-days', '2', '-subj', '/CN=model-promote-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', pki.caCert,
  ); // prettier-ignore
  const san = [...names.ips.map((ip) => `IP:${ip}`), ...names.dns.map((d) => `DNS:${d}`)].join(',');
  const ext = f('apiserver.ext');
  await writeFile(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
  );
  const csr = f('apiserver.csr');
  await openssl('req', '-new', '-key', pki.serverKey, '-subj', '/CN=kube-apiserver', '-out', csr);
  await openssl(
    'x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-days', '2',
    '-sha256', '-extfile', ext, '-out', pki.serverCert,
  ); // prettier-ignore
  const proxyExt = f('front-proxy-client.ext');
  await writeFile(
    proxyExt,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  const proxyCsr = f('front-proxy-client.csr');
  await openssl(
    'req',
    '-new',
    '-key',
    pki.proxyClientKey,
    '-subj',
    `/CN=${FRONT_PROXY_CLIENT}`,
    '-out',
    proxyCsr,
  );
  await openssl(
    'x509', '-req', '-in', proxyCsr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-days', '2',
    '-sha256', '-extfile', proxyExt, '-out', pki.proxyClientCert,
  ); // prettier-ignore
  return pki;
}
