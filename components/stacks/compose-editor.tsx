"use client";

// The compose file's editor: CodeMirror 6 with YAML highlighting, line numbers, and the
// server's issues (YAML, schema, interpolation, unsupported keys) marked on their lines in the
// gutter and under the text. Loaded without server rendering (CodeMirror needs the DOM).
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorView } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useTheme } from "next-themes";
import { useEffect, useMemo, useState } from "react";

export interface EditorIssue {
  line: number;
  column?: number;
  message: string;
  severity: "error" | "warning";
}

function diagnosticsOf(view: EditorView, issues: readonly EditorIssue[]): Diagnostic[] {
  const doc = view.state.doc;
  return issues.map((issue) => {
    const line = doc.line(Math.min(Math.max(issue.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max((issue.column ?? 1) - 1, 0), line.to);
    return { from, to: Math.max(from, line.to), severity: issue.severity, message: issue.message };
  });
}

export default function ComposeEditor({
  value,
  onChange,
  issues,
  label,
  readOnly = false,
}: {
  value: string;
  onChange?: (value: string) => void;
  issues: readonly EditorIssue[];
  /** what a screen reader calls the editor */
  label: string;
  readOnly?: boolean;
}) {
  const [view, setView] = useState<EditorView | null>(null);
  // CodeMirror paints its own colours: without the page's theme, the dark page got a white
  // editor whose values were light text on white.
  const { resolvedTheme } = useTheme();
  const extensions = useMemo(
    () => [yaml(), lintGutter(), EditorView.contentAttributes.of({ "aria-label": label }), EditorView.lineWrapping],
    [label],
  );
  useEffect(() => {
    if (view) view.dispatch(setDiagnostics(view.state, diagnosticsOf(view, issues)));
  }, [view, issues, value]);
  return (
    <div className="overflow-hidden rounded-md border border-border-strong text-sm" data-testid="compose-editor">
      <CodeMirror
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        editable={!readOnly}
        extensions={extensions}
        onCreateEditor={setView}
        theme={resolvedTheme === "dark" ? "dark" : "light"}
        minHeight="18rem"
        maxHeight="36rem"
        basicSetup={{ foldGutter: false, autocompletion: false, searchKeymap: true }}
      />
    </div>
  );
}
