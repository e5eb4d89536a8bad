// Secrets at rest (TOTP secrets, later TLS keys and registry passwords): AES-256-GCM with a
// key from STEVEDORE_SECRET_KEY or, failing that, a key file made once in the data folder.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const VERSION = "v1";

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error("the secret key must be 32 bytes");
    return new SecretBox(key);
  }

  /**
   * STEVEDORE_SECRET_KEY (hex or base64) when given, else `<dataDir>/secret.key`, created 0600 on
   * first use; `onCreated` hears the file's path when this call made it.
   */
  static async load(
    configured: string | undefined,
    dataDir: string,
    options: { onCreated?: (file: string) => void } = {},
  ): Promise<SecretBox> {
    if (configured) {
      return SecretBox.fromKey(
        /^[0-9a-fA-F]{64}$/.test(configured) ? Buffer.from(configured, "hex") : Buffer.from(configured, "base64"),
      );
    }
    const file = path.join(dataDir, "secret.key");
    try {
      return SecretBox.fromKey(Buffer.from((await readFile(file, "utf8")).trim(), "base64"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    await mkdir(dataDir, { recursive: true });
    const key = randomBytes(32);
    // "wx": never overwrite a key another process just wrote; read theirs instead.
    try {
      await writeFile(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      options.onCreated?.(file);
      return SecretBox.fromKey(key);
    } catch {
      return SecretBox.fromKey(Buffer.from((await readFile(file, "utf8")).trim(), "base64"));
    }
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(":");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("not a sealed secret");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  }
}
