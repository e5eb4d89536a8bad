import { describe, expect, it } from "vitest";
import { formatBytes, formatPercent, modeString } from "./format";

describe("details formatters", () => {
  it("writes modes as ls -l does", () => {
    expect(modeString("directory", 0o755)).toBe("drwxr-xr-x");
    expect(modeString("file", 0o644)).toBe("-rw-r--r--");
    expect(modeString("symlink", 0o777)).toBe("lrwxrwxrwx");
    expect(modeString("directory", 0o1777)).toBe("drwxrwxrwt");
    expect(modeString("file", 0o4755)).toBe("-rwsr-xr-x");
    expect(modeString("file", 0o2644)).toBe("-rw-r-Sr--");
  });

  it("writes sizes and percentages", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(64 * 1024 * 1024)).toBe("64 MiB");
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(3.14159)).toBe("3.1 %");
    expect(formatPercent(123.4)).toBe("123 %");
  });
});
