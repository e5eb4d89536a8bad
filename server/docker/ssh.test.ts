import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { classifyDockerError, DockerUnreachableError } from "./errors";
import { hostKeyFromBlob, parseHostKey, readPrivateKey, SshError } from "./ssh";

const plain = ssh2.utils.generateKeyPairSync("ed25519");
const encrypted = ssh2.utils.generateKeyPairSync("ed25519", {
  passphrase: "right one",
  cipher: "aes256-ctr",
  rounds: 16,
});

describe("host keys", () => {
  it("reads a stored key line and fingerprints it as ssh-keygen -l does", () => {
    const key = parseHostKey(`${plain.public} a comment`)!;
    expect(key.type).toBe("ED25519");
    expect(key.key).toBe(plain.public.split(" ").slice(0, 2).join(" "));
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const blob = Buffer.from(plain.public.split(" ")[1]!, "base64");
    expect(hostKeyFromBlob(blob)).toEqual(key);
  });

  it("takes nothing that is not a key line", () => {
    expect(parseHostKey("")).toBeUndefined();
    expect(parseHostKey("ssh-ed25519")).toBeUndefined();
    expect(parseHostKey("ssh-ed25519 not*base64")).toBeUndefined();
    // the algorithm named must be the one inside the blob
    expect(parseHostKey(`ssh-rsa ${plain.public.split(" ")[1]}`)).toBeUndefined();
  });
});

describe("private keys", () => {
  const problem = (key: string, passphrase?: string) => {
    try {
      readPrivateKey(key, passphrase);
      return null;
    } catch (error) {
      return error instanceof SshError ? error.message : `not an SshError: ${String(error)}`;
    }
  };

  it("opens a plain key, and an encrypted one with its passphrase", () => {
    expect(problem(plain.private)).toBeNull();
    expect(problem(encrypted.private, "right one")).toBeNull();
  });

  it("says what is wrong: no passphrase, the wrong one, a public key, not a key", () => {
    expect(problem(encrypted.private)).toMatch(/protected by a passphrase: give its passphrase/);
    expect(problem(encrypted.private, "wrong one")).toMatch(/passphrase does not open the private key/);
    expect(problem(plain.public)).toMatch(/That is a public key/);
    expect(problem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).toMatch(/not one SSH can read/);
  });

  it("reaches the fleet's errors as unreachable, with its reason and words", () => {
    const classified = classifyDockerError("e", new SshError("host-key", "The SSH host key of x has changed"));
    expect(classified).toBeInstanceOf(DockerUnreachableError);
    expect(classified).toMatchObject({ reason: "host-key", message: "The SSH host key of x has changed" });
  });
});
