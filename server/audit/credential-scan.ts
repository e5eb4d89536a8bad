// Credentials recognised by their form, by a maintained rule set: the rules of secretlint's
// recommended preset (@secretlint/secretlint-rule-preset-recommend: GitHub, GitLab, AWS, Slack,
// Stripe, npm, GCP, SendGrid, Shopify, OpenAI, Anthropic, Hugging Face, Docker Hub, database
// connection strings, basic-auth URLs, private keys and more, each with the provider's own
// documented format). Its maintainers add providers and fix false positives; we only run them.
//
// secretlint's own runner (@secretlint/core) is asynchronous; masking happens inside synchronous
// code (the audit redactor, the inspect mappers), so the preset's scanner rules are run here
// directly through secretlint's published rule API (@secretlint/types: a rule's `create(context)`
// returns a `file(source)` handler that calls `context.report`). Every rule of the preset is
// synchronous; a test fails if an upgrade makes one asynchronous.
import "server-only";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import type {
  SecretLintRuleContext,
  SecretLintRuleCreator,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
} from "@secretlint/types";

/** Options the preset leaves off by default that a masker wants on. */
const RULE_OPTIONS: Record<string, Record<string, unknown>> = {
  // Access key ids (AKIA…, ASIA…) alone, not only secret access keys beside their name.
  "@secretlint/secretlint-rule-aws": { enableIDScanRule: true },
};

export interface CredentialFinding {
  /** the secretlint rule that found it, e.g. "@secretlint/secretlint-rule-github" */
  rule: string;
  /** [start, end) in the scanned text */
  range: readonly [number, number];
}

interface LoadedRule {
  id: string;
  handler: SecretLintRuleReportHandler;
  bind(report: (range: readonly [number, number]) => void): void;
}

function loadRules(): LoadedRule[] {
  const creators: SecretLintRuleCreator<unknown>[] = [];
  recommended.create({ sharedOptions: {}, registerRule: (rule) => creators.push(rule) }, {});
  return creators
    .filter((rule) => rule.meta.type === "scanner")
    .map((rule) => {
      let sink: (range: readonly [number, number]) => void = () => undefined;
      const context: SecretLintRuleContext = {
        sharedOptions: {},
        createTranslator: () => (messageId, data) => ({
          message: String(messageId),
          messageId: String(messageId),
          data,
        }),
        report: (descriptor) => sink(descriptor.range),
        ignore: () => undefined,
      };
      const handler = rule.create(context, RULE_OPTIONS[rule.meta.id] ?? {});
      return {
        id: rule.meta.id,
        handler,
        bind(report) {
          sink = report;
        },
      };
    });
}

const RULES = loadRules();

/** The ids of the rules run, for tests and for the README. */
export const CREDENTIAL_RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

function sourceOf(content: string): SecretLintSourceCode {
  const indexToPosition = (index: number) => {
    const before = content.slice(0, index);
    const line = before.split("\n").length;
    return { line, column: index - (before.lastIndexOf("\n") + 1) };
  };
  const positionToIndex = (pos: { line: number; column: number }) => {
    const lines = content.split("\n");
    let index = 0;
    for (let i = 0; i < pos.line - 1 && i < lines.length; i++) index += lines[i]!.length + 1;
    return index + pos.column;
  };
  return {
    hasBOM: false,
    content,
    filePath: undefined,
    physicalFilePath: undefined,
    contentType: "text",
    ext: "",
    getFilePath: () => undefined,
    getPhysicalFilePath: () => undefined,
    indexToPosition,
    positionToIndex,
    locationToRange: (loc) => [positionToIndex(loc.start), positionToIndex(loc.end)],
    rangeToLocation: (range) => ({ start: indexToPosition(range[0]), end: indexToPosition(range[1]) }),
  };
}

/** Every credential the preset's rules find in `text`. */
export function findCredentials(text: string): CredentialFinding[] {
  const found: CredentialFinding[] = [];
  const source = sourceOf(text);
  for (const rule of RULES) {
    rule.bind((range) => found.push({ rule: rule.id, range }));
    const outcome = rule.handler.file?.(source);
    // Never happens with the pinned preset (a test says so); a promise here would report late.
    if (outcome instanceof Promise) void outcome.catch(() => undefined);
  }
  return found;
}

/** Whether any rule of the preset is asynchronous (it must not be: see findCredentials). */
export function asynchronousRules(): string[] {
  const source = sourceOf("");
  return RULES.filter((rule) => rule.handler.file?.(source) instanceof Promise).map((rule) => rule.id);
}
