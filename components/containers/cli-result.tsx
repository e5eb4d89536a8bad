import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";

/** What an action did, with the docker command line that does the same. */
export function CliResult({ text, cli, onDismiss }: { text: string; cli: string; onDismiss: () => void }) {
  return (
    <Alert tone="success" title={text}>
      <div className="flex flex-wrap items-center gap-2">
        <span>Equivalent command:</span>
        <code className="rounded bg-surface/70 px-1.5 py-0.5 font-mono text-xs" data-testid="cli">
          {cli}
        </code>
        <CopyButton text={cli} />
        <Button size="sm" variant="quiet" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
    </Alert>
  );
}
