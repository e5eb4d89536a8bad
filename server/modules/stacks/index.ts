// The stack engine: compose file -> plan (pure), plan -> swarm (engine calls), swarm -> compose
// file (adopt), and stack removal. A router wraps these; nothing here knows tRPC or HTTP.
import { loadCompose, type ComposeSource, type StackWarning } from "./compose/load";
import { planStack, type StackPlan } from "./convert";

export { loadCompose, type ComposeSource, type ComposeFileReader, type StackWarning } from "./compose/load";
export { planStack, LABEL_IMAGE, LABEL_NAMESPACE, type StackPlan, type EngineSpec } from "./convert";
export {
  deployStack,
  judgeStack,
  encodeRegistryAuth,
  type DeployOptions,
  type DeployResult,
  type StackJudge,
  type StackProgress,
  type ResolveImage,
} from "./deploy";
export { removeStack, type RemoveOptions } from "./remove";
export { adoptStack, type AdoptedStack } from "./adopt";
export * from "./errors";

/** Load and convert in one step: what a deploy, a preview or a diff starts from. */
export async function prepareStack(
  stack: string,
  source: ComposeSource,
): Promise<{ plan: StackPlan; warnings: StackWarning[] }> {
  const { config, warnings } = await loadCompose(source);
  return { plan: planStack(stack, config), warnings };
}
