"use client";

import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef } from "react";

export interface ReplayScreen {
  /** Clears the screen and sets its size (a seek starts from here). */
  reset(size: { cols: number; rows: number }): void;
  resize(size: { cols: number; rows: number }): void;
  write(text: string): void;
}

/**
 * A read-only xterm.js screen at the recording's own size (what the session's user saw), scaled
 * to fit its box by the font size rather than by re-wrapping the recording.
 */
export default function ReplayTerminal({ onReady }: { onReady: (screen: ReplayScreen | null) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const ready = useRef(onReady);
  useEffect(() => {
    ready.current = onReady;
  });

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      disableStdin: true,
      cursorBlink: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: "#020617", foreground: "#e2e8f0", cursor: "#38bdf8", selectionBackground: "#334155" },
    });
    // The fit addon only measures here: the recording's size is what matters.
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    let size = { cols: terminal.cols, rows: terminal.rows };
    const scale = () => {
      const fits = fit.proposeDimensions();
      if (!fits || !element.clientWidth) return;
      // Shrink the font until the recorded columns fit the box (never above 13 px).
      const current = terminal.options.fontSize ?? 13;
      const wanted = Math.max(6, Math.min(13, Math.floor((current * fits.cols) / size.cols)));
      if (wanted !== current) terminal.options.fontSize = wanted;
    };
    const observer = new ResizeObserver(() => scale());
    observer.observe(element);
    // xterm.js parses writes later, in order, while reset() and resize() act at once: a seek
    // must go through the same queue (RIS, then the size), or output still queued from before
    // the seek would land on the cleared screen.
    const setSize = (next: { cols: number; rows: number }) => {
      size = next;
      terminal.resize(next.cols, next.rows);
      scale();
    };
    ready.current({
      reset(next) {
        // RIS, then home, clear the screen and the scrollback, to be sure.
        terminal.write("\x1bc\x1b[H\x1b[2J\x1b[3J", () => setSize(next));
      },
      resize(next) {
        terminal.write("", () => setSize(next));
      },
      write(text) {
        terminal.write(text);
      },
    });
    return () => {
      ready.current(null);
      observer.disconnect();
      terminal.dispose();
    };
  }, []);

  return <div ref={host} className="h-full w-full" data-testid="replay-terminal" />;
}
