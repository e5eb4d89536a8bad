import { Boxes, Container, Home, Layers, Network, ScrollText, Server, Settings, HardDrive } from "lucide-react";

export const navItems = [
  { href: "/", label: "Home", icon: Home },
  { href: "/environments", label: "Environments", icon: Server },
  { href: "/containers", label: "Containers", icon: Container },
  { href: "/images", label: "Images", icon: Layers },
  { href: "/volumes", label: "Volumes", icon: HardDrive },
  { href: "/networks", label: "Networks", icon: Network },
  { href: "/swarm", label: "Swarm", icon: Boxes },
  { href: "/audit", label: "Audit", icon: ScrollText },
  { href: "/settings", label: "Settings", icon: Settings },
] as const;
