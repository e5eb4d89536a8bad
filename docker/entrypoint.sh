#!/bin/sh
# Starts Stevedore as the unprivileged user `node`, in the group that owns the mounted
# Docker socket. That group's id differs from host to host (docker is 999 on one, 106 on
# another), so it is read from the socket at start rather than baked into the image.
set -eu

socket=${STEVEDORE_LOCAL_SOCKET:-/var/run/docker.sock}
data=${STEVEDORE_DATA_DIR:-/data}
user=node

if [ "$(id -u)" != 0 ]; then
  # Started with --user: the caller chose the identity (and the groups) already.
  exec "$@"
fi

uid=$(id -u "$user")
gid=$(id -g "$user")
groups=$gid
if [ -S "$socket" ]; then
  socket_gid=$(stat -c %g "$socket")
  groups="$gid,$socket_gid"
  # rw for the group, as dockerd makes it; without that no group can help.
  case $(stat -c %A "$socket") in
    s???rw????) echo "stevedore: using $socket through its group $socket_gid" ;;
    *) echo "stevedore: warning: $socket is not readable and writable by its group ($(stat -c %A "$socket")); the local engine will not be offered" >&2 ;;
  esac
fi

# The data folder (embedded database, key file when no STEVEDORE_SECRET_KEY) must be ours;
# a fresh volume or bind mount may come owned by root.
mkdir -p "$data"
[ "$(stat -c %u "$data")" = "$uid" ] || chown "$uid:$gid" "$data"

HOME=$(awk -F: -v u="$user" '$1 == u { print $6 }' /etc/passwd)
export HOME

# Drop to the user for good: no capabilities, none to regain (no_new_privs).
exec /usr/bin/setpriv --reuid="$uid" --regid="$gid" --groups="$groups" \
  --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
