"use client";

import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from "react";
import {
  REFUSED_MESSAGE,
  closedMessage,
  consoleSocketUrl,
  parseServerControl,
  type ConsoleStatus,
  type SessionTarget,
} from "./console-session";

export interface TerminalHandle {
  findNext: (text: string) => boolean;
  findPrevious: (text: string) => boolean;
  focus: () => void;
  /** Sizes the terminal to its box (after it was hidden, say). */
  fit: () => void;
}

const encoder = new TextEncoder();

/**
 * One xterm.js terminal joined to one console websocket (exec or attach) for its whole life:
 * mount it to connect, remount it (a new key) to reconnect. Binary frames are terminal bytes
 * both ways; text frames are JSON control messages. Whatever xterm emits (keystrokes, and its
 * answers to the shell's queries such as the cursor position) goes to the socket, unless the
 * session is read-only. Hidden (another tab shown), it stays connected and sizes itself again
 * when shown.
 */
export default function ConsoleTerminal({
  environmentId,
  containerId,
  target,
  visible = true,
  onStatus,
  onSize,
  handle,
}: {
  environmentId: string;
  containerId: string;
  target: SessionTarget;
  visible?: boolean;
  onStatus: (status: ConsoleStatus) => void;
  onSize: (size: { cols: number; rows: number }) => void;
  handle?: Ref<TerminalHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const search = useRef<SearchAddon | null>(null);
  const term = useRef<Terminal | null>(null);
  const fitter = useRef<FitAddon | null>(null);
  // The target is fixed for the terminal's life (a new target is a new tab or a remount).
  const [initialTarget] = useState(target);
  // The callbacks may change identity on every render; the socket must not reconnect for that.
  const callbacks = useRef({ onStatus, onSize });
  useLayoutEffect(() => {
    callbacks.current = { onStatus, onSize };
  });

  useImperativeHandle(handle, () => ({
    findNext: (text) => search.current?.findNext(text) ?? false,
    findPrevious: (text) => search.current?.findPrevious(text) ?? false,
    focus: () => term.current?.focus(),
    fit: () => fitter.current?.fit(),
  }));

  // Shown again: the box may have changed while hidden, and a hidden box measures as nothing.
  useEffect(() => {
    if (!visible) return;
    const frame = requestAnimationFrame(() => {
      const element = host.current;
      // Focus stays where the user put it (on the tab, when they arrived by keyboard).
      if (element && element.clientWidth > 0 && element.clientHeight > 0) fitter.current?.fit();
    });
    return () => cancelAnimationFrame(frame);
  }, [visible]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: "#020617", foreground: "#e2e8f0", cursor: "#38bdf8", selectionBackground: "#334155" },
    });
    const fit = new FitAddon();
    const searchAddon = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(searchAddon);
    terminal.loadAddon(new WebLinksAddon());
    terminal.open(element);
    if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    term.current = terminal;
    fitter.current = fit;
    search.current = searchAddon;

    let ended = false;
    const finish = (message: string, failed: boolean) => {
      if (ended) return;
      ended = true;
      terminal.options.cursorBlink = false;
      // Dimmed, and the cursor hidden: nothing more will be read from here.
      terminal.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n\x1b[?25l`);
      callbacks.current.onStatus({ phase: "ended", message, failed });
    };

    callbacks.current.onStatus({ phase: "connecting" });
    const socket = new WebSocket(
      consoleSocketUrl(environmentId, containerId, initialTarget, terminal.cols, terminal.rows),
    );
    socket.binaryType = "arraybuffer";
    let opened = false;
    let writable = true;
    let command = "";

    const sendControl = (message: Record<string, unknown>) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== "string") {
        terminal.write(new Uint8Array(event.data));
        return;
      }
      const control = parseServerControl(event.data);
      if (!control) return;
      if (control.type === "ready") {
        writable = control.writable !== false;
        command = control.command;
        const readOnly = writable ? null : (control.readOnlyReason ?? "read-only: you may watch, not type.");
        terminal.options.disableStdin = !writable;
        callbacks.current.onStatus({ phase: "connected", command: control.command, readOnly });
        // The window may have changed size while the process was being joined.
        if (writable) sendControl({ type: "resize", cols: terminal.cols, rows: terminal.rows });
        else callbacks.current.onSize({ cols: terminal.cols, rows: terminal.rows });
        if (!element.closest("[hidden]")) terminal.focus();
      } else if (control.type === "mode") {
        writable = control.writable;
        terminal.options.disableStdin = !writable;
        callbacks.current.onStatus({
          phase: "connected",
          command,
          readOnly: writable ? null : control.message,
        });
      } else if (control.type === "resized") {
        // The size the shell sees, as the server confirms it (what `stty size` prints).
        callbacks.current.onSize({ cols: control.cols, rows: control.rows });
      } else if (control.type === "exit") {
        finish(control.message, !["exited", "container stopped", "detached"].includes(control.reason));
      } else if (control.type === "error") {
        finish(control.message, true);
      }
    };
    socket.onclose = (event) => {
      if (!opened) finish(REFUSED_MESSAGE, true);
      else finish(closedMessage(event.code, event.reason), event.code !== 1000);
    };

    const input = terminal.onData((data) => {
      if (writable && socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
    });
    // Some reports (old mouse modes) are raw bytes rather than UTF-8 text.
    const binaryInput = terminal.onBinary((data) => {
      if (writable && socket.readyState === WebSocket.OPEN)
        socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
    });
    const resized = terminal.onResize(({ cols, rows }) => {
      if (writable) sendControl({ type: "resize", cols, rows });
    });

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
      });
    });
    observer.observe(element);

    return () => {
      ended = true;
      cancelAnimationFrame(frame);
      observer.disconnect();
      input.dispose();
      binaryInput.dispose();
      resized.dispose();
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, "closed by the page");
      terminal.dispose();
      term.current = null;
      fitter.current = null;
      search.current = null;
    };
  }, [environmentId, containerId, initialTarget]);

  return <div ref={host} className="h-full w-full" data-testid="terminal" />;
}
