import {
  Blocks,
  Boxes,
  FileCog,
  KeyRound,
  Container,
  Home,
  Layers,
  Layers3,
  Network,
  ScrollText,
  Server,
  Settings,
  Warehouse,
  HardDrive,
  type LucideIcon,
} from "lucide-react";
import type { Permission } from "@/server/rbac/catalogue";

interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  needs: readonly Permission[];
}

/** `needs`: shown to those who hold any of these somewhere (empty: everyone signed in). */
export const navItems = [
  { href: "/", label: "Home", icon: Home, needs: [] },
  { href: "/environments", label: "Environments", icon: Server, needs: ["environment.read"] },
  { href: "/containers", label: "Containers", icon: Container, needs: ["container.read"] },
  { href: "/projects", label: "Compose", icon: Blocks, needs: ["container.read"] },
  { href: "/images", label: "Images", icon: Layers, needs: ["image.read"] },
  { href: "/volumes", label: "Volumes", icon: HardDrive, needs: ["volume.read"] },
  { href: "/networks", label: "Networks", icon: Network, needs: ["network.read"] },
  { href: "/registries", label: "Registries", icon: Warehouse, needs: ["registry.manage"] },
  { href: "/swarm", label: "Swarm", icon: Boxes, needs: ["node.read", "service.read"] },
  { href: "/stacks", label: "Stacks", icon: Layers3, needs: ["stack.read"] },
  { href: "/secrets", label: "Secrets", icon: KeyRound, needs: ["secret.read"] },
  { href: "/configs", label: "Configs", icon: FileCog, needs: ["config.read"] },
  { href: "/audit", label: "Audit", icon: ScrollText, needs: ["audit.read"] },
  { href: "/settings", label: "Settings", icon: Settings, needs: ["user.manage", "role.manage", "settings.manage"] },
] as const satisfies readonly NavItem[];
