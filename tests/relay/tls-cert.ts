import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL = process.env['OPENSSL_PATH'] ?? '/usr/bin/openssl';

/** A throwaway self-signed P-256 certificate for 127.0.0.1 and localhost, valid one day. */
export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export const makeSelfSignedCert = (): TestCertificate => {
  if (!existsSync(OPENSSL))
    throw new Error(`TLS tests need openssl at ${OPENSSL} (apt-get install openssl, or set OPENSSL_PATH)`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    OPENSSL,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
};
