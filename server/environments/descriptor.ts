// Between an Environment row (keys sealed at rest) and what the fleet needs to connect.
import type { SecretBox } from "../crypto/secret-box";
import type { EnvironmentDescriptor } from "../docker/index";
import type { Environment } from "../generated/prisma/client";

export function descriptorOf(row: Environment, secrets: SecretBox): EnvironmentDescriptor {
  const descriptor: EnvironmentDescriptor = { id: row.id, name: row.name, url: row.url };
  if (row.tlsCa || row.tlsCert || row.tlsKeySealed) {
    descriptor.tls = {
      ca: row.tlsCa ?? undefined,
      cert: row.tlsCert ?? undefined,
      key: row.tlsKeySealed ? secrets.open(row.tlsKeySealed) : undefined,
    };
  }
  if (row.sshKeySealed || row.sshPassSealed) {
    descriptor.ssh = {
      privateKey: row.sshKeySealed ? secrets.open(row.sshKeySealed) : undefined,
      passphrase: row.sshPassSealed ? secrets.open(row.sshPassSealed) : undefined,
    };
  }
  return descriptor;
}

/** What a browser may see of an environment: never a key, only whether one is set. */
export function presentEnvironment(row: Environment) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    tags: row.tags,
    group: row.group,
    paused: row.paused,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tls: { ca: Boolean(row.tlsCa), cert: Boolean(row.tlsCert), key: Boolean(row.tlsKeySealed) },
    ssh: { key: Boolean(row.sshKeySealed) },
  };
}
