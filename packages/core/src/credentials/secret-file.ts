/**
 * Secrets mounted as files (the Docker and Kubernetes secrets convention): `AFILNET_PASSWORD_FILE`
 * and `AFILNET_CLIENT_SECRET_FILE` name a file read when the secret is needed and again after the
 * server refuses it, so that a rotated file is picked up without a restart.
 *
 * @see https://docs.docker.com/engine/swarm/secrets/
 */
import { readFile } from 'node:fs/promises';

/**
 * Reads the secret in the file at `path`, trailing CR and LF removed (editors and `echo` add
 * them; a secret never ends with one).
 *
 * @throws the file system's error (`ENOENT`, `EACCES`), which names the path, never the content.
 */
export async function readSecretFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  return text.replace(/[\r\n]+$/, '');
}
