/**
 * Certificates made by openssl in a folder, for the certificate-method tests: EC P-256 keys,
 * self-signed roots and issued certificates, with extensions from sections of `DIR/ext.cnf`.
 * Files: NAME.key and NAME.crt (subject CN=NAME, valid for two days).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileAsync } from '../e2e/helpers.js';

const openssl = (...args: string[]) => execFileAsync('openssl', args);

export class OpensslPki {
  constructor(readonly dir: string) {}

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Writes the extension sections (`[name]` blocks) the certificates are made with. */
  async extensions(sections: string): Promise<void> {
    await writeFile(this.file('ext.cnf'), sections);
  }

  async key(name: string): Promise<void> {
    await openssl(
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      this.file(`${name}.key`),
    );
  }

  async root(name: string, section: string): Promise<void> {
    await this.key(name);
    await openssl(
      'req', '-x509', '-new', '-key', this.file(`${name}.key`), '-subj', `/CN=${name}`, '-days', '2',
      '-config', this.file('ext.cnf'), '-extensions', section, '-out', this.file(`${name}.crt`),
    ); // prettier-ignore
  }

  async issue(name: string, issuer: string, section: string): Promise<void> {
    await this.key(name);
    await openssl(
      'req',
      '-new',
      '-key',
      this.file(`${name}.key`),
      '-subj',
      `/CN=${name}`,
      '-out',
      this.file(`${name}.csr`),
    );
    await openssl(
      'x509', '-req', '-in', this.file(`${name}.csr`), '-CA', this.file(`${issuer}.crt`), '-CAkey', this.file(`${issuer}.key`),
      '-CAcreateserial', '-days', '2', '-extfile', this.file('ext.cnf'), '-extensions', section,
      '-out', this.file(`${name}.crt`),
    ); // prettier-ignore
  }
}

export const CA_SECTION = '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
export const LEAF_SECTION =
  '[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n';
