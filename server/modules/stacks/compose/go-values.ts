// Go's parsers for the values compose files carry, so a value means here what it means to the
// CLI: time.ParseDuration, go-units RAMInBytes, opts.ParseCPUs (big.Rat), and
// distribution/reference's normalisation of image names.

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration -> nanoseconds; null when Go would refuse the text. */
export function parseGoDuration(text: string): number | null {
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return null;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== "") {
    const m = part.exec(s);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) return null;
    const unit = UNIT_NS[m[3]!]!;
    const whole = BigInt(m[1] || "0");
    const fraction = m[2] ?? "";
    let ns = whole * unit;
    if (fraction !== "") ns += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += ns;
    s = s.slice(m[0].length);
  }
  if (total > 9_223_372_036_854_775_807n) return null;
  return Number(negative ? -total : total);
}

/** Nanoseconds -> the shortest text Go's Duration.String() would print (for files we write). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  let rest = BigInt(Math.abs(ns));
  if (rest < 1_000_000_000n) {
    for (const [unit, size] of [
      ["ms", 1_000_000n],
      ["us", 1_000n],
      ["ns", 1n],
    ] as const) {
      if (rest >= size || unit === "ns") return sign + decimal(rest, size) + unit;
    }
  }
  let out = "";
  const h = rest / 3_600_000_000_000n;
  rest -= h * 3_600_000_000_000n;
  const m = rest / 60_000_000_000n;
  rest -= m * 60_000_000_000n;
  if (h > 0n) out += `${h}h`;
  if (h > 0n || m > 0n) out += `${m}m`;
  out += `${decimal(rest, 1_000_000_000n)}s`;
  return sign + out;
}

function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const fraction = value % unit;
  if (fraction === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${fraction.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}

const RAM_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "512m", "1.5g", "100kb", "2 GiB" -> bytes; null when refused. */
export function ramInBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!m) return null;
  const size = Number(m[1]);
  const unit = RAM_UNITS[(m[2] ?? "").toLowerCase()]!;
  return Math.trunc(size * unit);
}

/** opts.ParseCPUs: a rational number of CPUs -> NanoCPUs; throws as the CLI does. */
export function parseCpus(text: string): number {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  const fractionForm = /^([-+]?\d+)\/(\d+)$/.exec(text);
  let numerator: bigint;
  let denominator: bigint;
  if (fractionForm) {
    numerator = BigInt(fractionForm[1]!);
    denominator = BigInt(fractionForm[2]!);
    if (denominator === 0n) throw new Error(`failed to parse ${text} as a rational number`);
  } else if (m && (m[2] !== "" || (m[3] ?? "") !== "")) {
    const digits = `${m[2]}${m[3] ?? ""}`;
    numerator = BigInt(digits || "0") * (m[1] === "-" ? -1n : 1n);
    let exponent = -(m[3] ?? "").length + Number(m[4] ?? "0");
    denominator = 1n;
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator = 10n ** BigInt(-exponent);
    exponent = 0;
  } else {
    throw new Error(`failed to parse ${text} as a rational number`);
  }
  const nano = numerator * 1_000_000_000n;
  if (nano % denominator !== 0n) throw new Error("value is too precise");
  return Number(nano / denominator);
}

// ---- image references (github.com/distribution/reference) ---------------------------------

const DOMAIN = String.raw`(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?`;
const PATH_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`;
const REFERENCE = new RegExp(
  String.raw`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

export interface ImageReference {
  /** fully qualified: docker.io/library/busybox */
  name: string;
  tag?: string;
  digest?: string;
}

/** reference.ParseNormalizedNamed; null when the CLI's parser would refuse the text. */
export function parseNormalizedNamed(text: string): ImageReference | null {
  if (/^[a-f0-9]{64}$/.test(text)) return null;
  const slash = text.indexOf("/");
  const first = slash < 0 ? "" : text.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (slash < 0 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = "docker.io";
    remainder = text;
  } else {
    domain = first;
    remainder = text.slice(slash + 1);
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !remainder.split(/[:@]/)[0]!.includes("/")) remainder = `library/${remainder}`;
  const namePart = remainder.split(/[:@]/)[0]!;
  if (namePart.toLowerCase() !== namePart) return null;
  const m = REFERENCE.exec(`${domain}/${remainder}`);
  if (!m) return null;
  const ref: ImageReference = { name: m[1]! };
  if (m[2]) ref.tag = m[2];
  if (m[3]) ref.digest = m[3];
  return ref;
}

/** reference.FamiliarString: docker.io/library/busybox:latest -> busybox:latest */
export function familiarString(ref: ImageReference): string {
  let name = ref.name;
  if (name.startsWith("docker.io/library/") && !name.slice("docker.io/library/".length).includes("/")) {
    name = name.slice("docker.io/library/".length);
  } else if (name.startsWith("docker.io/")) {
    name = name.slice("docker.io/".length);
  }
  return name + (ref.tag ? `:${ref.tag}` : "") + (ref.digest ? `@${ref.digest}` : "");
}

/** The Go client's imageWithTagString: "busybox" -> "busybox:latest"; unchanged when unparsable. */
export function imageWithTag(image: string): string {
  const ref = parseNormalizedNamed(image);
  if (!ref) return image;
  if (!ref.tag && !ref.digest) ref.tag = "latest";
  return familiarString(ref);
}

/** The Go client's imageWithDigestString: adds @digest unless the reference already has one. */
export function imageWithDigest(image: string, digest: string): string {
  const ref = parseNormalizedNamed(image);
  if (!ref || ref.digest) return image;
  return familiarString({ ...ref, digest });
}
