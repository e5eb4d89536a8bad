"use client";

import { ChevronDown, Download } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPCClient } from "../trpc";
import { Button } from "../ui/button";
import { downloadText } from "./download";
import type { AuditFilter } from "./filters";

const formats = [
  { format: "csv", label: "CSV (spreadsheets)" },
  { format: "ndjson", label: "NDJSON (one JSON event a line)" },
] as const;

/** The current filter's events as a file, oldest first. */
export function ExportMenu({
  filter,
  onNotice,
}: {
  filter: AuditFilter;
  /** a problem or caveat to show on the page */
  onNotice: (notice: { tone: "error" | "warning"; text: string } | null) => void;
}) {
  const client = useTRPCClient();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const run = async (format: "csv" | "ndjson") => {
    setOpen(false);
    setPending(true);
    onNotice(null);
    try {
      const file = await client.audit.export.query({ ...filter, format });
      downloadText(file.filename, file.contentType, file.content);
      if (file.truncated)
        onNotice({ tone: "warning", text: `Only the first ${file.count} events were exported; narrow the filter.` });
    } catch (error) {
      onNotice({ tone: "error", text: `Export failed: ${errorMessage(error)}` });
    } finally {
      setPending(false);
    }
  };

  return (
    <div ref={ref} className="relative">
      <Button aria-haspopup="menu" aria-expanded={open} pending={pending} onClick={() => setOpen((o) => !o)}>
        <Download aria-hidden className="size-4" />
        {pending ? "Exporting…" : "Export"}
        <ChevronDown aria-hidden className="size-3.5" />
      </Button>
      {open ? (
        <div
          role="menu"
          aria-label="Export format"
          className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-border-strong bg-surface py-1 shadow-lg"
        >
          {formats.map(({ format, label }) => (
            <button
              key={format}
              type="button"
              role="menuitem"
              onClick={() => void run(format)}
              className="block w-full px-3 py-1.5 text-left text-sm hover:bg-hover focus:bg-hover"
            >
              {label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
