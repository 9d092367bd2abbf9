"""nginx as the cluster's load balancer: its configuration rendered from deploy/nginx.conf.template."""

from __future__ import annotations

import shutil
from pathlib import Path
from string import Template

from deploy.layout import ClusterLayout
from webhook.texts import load_texts

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


class NginxTemplate(Template):
    """``%%{name}`` placeholders, so nginx's own ``$variables`` stay as they are."""

    delimiter = "%%"


class NginxMissing(RuntimeError):
    """No nginx binary on PATH (`make run-cluster` installs Debian's package)."""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not found:
        raise NginxMissing("nginx is not installed: apt-get install -y nginx (make run-cluster does)")
    return found


def _servers(layout: ClusterLayout, service: str) -> str:
    return "\n".join(f"        server {layout.host}:{port} max_fails=1 fail_timeout=3s;" for port in layout.ports(service))


def render(layout: ClusterLayout, prefix: Path) -> str:
    """The configuration text for ``layout``, with nginx's files under ``prefix``."""
    busy = load_texts().busy.replace("'", "’").replace('"', "”")
    return NginxTemplate(TEMPLATE.read_text(encoding="utf-8")).substitute(
        prefix=prefix, host=layout.host, public_port=layout.public_port, rasa_lb_port=layout.rasa_lb_port,
        actions_lb_port=layout.actions_lb_port, app_servers=_servers(layout, "app"),
        rasa_servers=_servers(layout, "rasa"), actions_servers=_servers(layout, "actions"), busy_text=busy,
    )


def write_config(layout: ClusterLayout) -> tuple[Path, list[str]]:
    """Write ``<var>/nginx/nginx.conf``; its path and the command that runs nginx in the foreground."""
    prefix = layout.var_dir / "nginx"
    for name in TEMP_DIRS:
        (prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
        (prefix / "tmp" / name).chmod(0o1777)  # nginx's workers run unprivileged
    path = prefix / "nginx.conf"
    path.write_text(render(layout, prefix), encoding="utf-8")
    return path, [nginx_binary(), "-p", str(prefix), "-c", str(path), "-e", "stderr"]
