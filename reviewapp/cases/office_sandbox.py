"""Where LibreOffice runs: no network, and a private root holding only the system's programs.

A document may name server paths (`file:///etc/passwd`) or addresses on the
internal network; office_links.py removes such links before conversion, and
this sandbox makes sure a link it missed reaches nothing. `unshare -rnmpf`
gives the converter its own user, network (loopback only, down), mount and
process namespaces; inside, a tmpfs root receives read-only binds of /usr,
/bin, /lib*, /etc (passwd and group masked), /opt and the font cache, plus the
conversion's own folder. The application, its uploads, database, home
folders, /tmp and /proc of other processes are not there.

Where the system refuses unprivileged namespaces (Docker's default seccomp
profile, Ubuntu 24.04's AppArmor default) there is no isolation, and Office
previews are refused: the files are still accepted and downloadable.
"""
import functools
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

FILESYSTEM, NETWORK_ONLY, NONE = "private-filesystem", "network-only", "none"

# Runs as root of the new user namespace, before LibreOffice: builds the private root and
# enters it. $1 is the conversion folder (it keeps its path, so relative paths still work).
_ENTER_PRIVATE_ROOT = r"""
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
work="$1"; shift
root="$work/.root"
mkdir -p "$root"
mount -t tmpfs -o mode=0755,size=16m sandbox "$root"
for d in usr bin sbin lib lib32 lib64 libx32 etc opt var/cache/fontconfig; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"
  elif [ -d "/$d" ]; then
    mkdir -p "$root/$d"; mount --rbind "/$d" "$root/$d"
    mount -o remount,bind,ro "$root/$d"
  fi
done
for f in passwd shadow gshadow group; do
  if [ -e "/etc/$f" ]; then mount --bind /dev/null "$root/etc/$f"; fi
done
mkdir -p "$root/dev" "$root/proc" "$root/tmp" "$root$work"
for n in null zero random urandom; do touch "$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"; done
mount -t proc proc "$root/proc"
mount --bind "$work" "$root$work"
exec chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$work" "$@"
"""


@dataclass(frozen=True)
class Isolation:
    level: str          # FILESYSTEM, NETWORK_ONLY or NONE
    detail: str = ""    # why the stronger levels failed (for the log)

    @property
    def allowed(self):
        return self.level != NONE

    def prefix(self, unshare, work):
        """The argv that runs a command isolated, for conversion folder `work`."""
        if self.level == FILESYSTEM:
            return (unshare, "-rnmpf", "--kill-child", "sh", "-c", _ENTER_PRIVATE_ROOT, "sandbox", str(work))
        if self.level == NETWORK_ONLY:
            return (unshare, "-rn")
        raise RuntimeError("no isolation")


REFUSED_MESSAGE = _l("PDF previews of Office files are switched off on this server: LibreOffice cannot be "
                     "cut off from the network and the server's files here. Download the file to read it.")


def _works(command):
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=15)
    except subprocess.CalledProcessError as error:
        return (error.stderr or b"").decode("utf-8", "replace").strip()[-300:] or f"exit {error.returncode}"
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    return ""


@functools.cache
def probe(unshare_binary):
    """The strongest isolation this system grants (probed once per process and binary)."""
    unshare = shutil.which(unshare_binary)
    if unshare is None:
        return Isolation(NONE, f"{unshare_binary} not found")
    with tempfile.TemporaryDirectory(prefix="sandbox-probe-") as work:
        full = _works([*Isolation(FILESYSTEM).prefix(unshare, work), "/bin/true"])
    if not full:
        return Isolation(FILESYSTEM)
    network = _works([unshare, "-rn", "true"])
    if not network:
        return Isolation(NETWORK_ONLY, full)
    return Isolation(NONE, network)


def isolation(config):
    """The isolation Office conversions get under `config` (the app's settings)."""
    return probe(config["OFFICE_SANDBOX_UNSHARE"])


def announce(app):
    """Say at start-up how Office previews are isolated (a warning when they are refused)."""
    found = isolation(app.config)
    if found.level == FILESYSTEM:
        log.info("office previews: isolated (no network, private filesystem)")
    elif found.level == NETWORK_ONLY:
        log.warning("office previews: no network, but LibreOffice can read the server's files "
                    "(no mount namespace: %s)", found.detail)
    else:
        log.warning("office previews refused: LibreOffice cannot be isolated (unshare: %s); "
                    "allow unprivileged user namespaces to enable them", found.detail)
    return found
