"""The composition root: `create_app(settings)` builds the whole web app; nothing happens at import.

The node (documents, database, identity) is opened in the app's lifespan unless a caller passes one
in (tests, `mekaar serve` with a node it already opened). Each request gets one database session:
node services flush, and the request boundary commits (web/deps.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.file import FileStore
from litestar.template.config import TemplateConfig

from node.alliance.keeper import AllianceKeeper
from node.identity import load_node
from node.ledger.clerk import LedgerClerk
from node.logs import formatter_config
from node.notifications.postman import Postman
from node.replication.replicator import Replicator
from node.runtime import Node
from node.settings import Settings

from . import deps, errors, i18n, rendering, security
from .metrics import AppMetrics
from .routes import ROUTES
from .sessions import SignedSessionConfig

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 1_000_000
"""Large enough for a long description (100,000 characters), small enough to refuse floods."""


def create_app(settings: Settings, node: Node | None = None) -> Litestar:
    """Build the app for these settings; open the node on startup unless one is given."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # pooled on SQLite too: a new connection per request (NullPool) costs ~4 ms, more than the
        # list page itself; NullPool is for tests and one-shot CLI jobs
        opened = node or await Node.open(settings)
        app.state.node = opened
        replicator = Replicator(opened)
        app.state.replicator = replicator
        await replicator.start(dial=settings.replicate)
        clerk = LedgerClerk(opened)
        clerk.start()
        postman = Postman(opened, catalogs) if settings.sends_mail else None
        if postman is not None:
            postman.start()
        keeper = AllianceKeeper(opened)
        keeper.start()
        try:
            yield
        finally:
            await keeper.stop()
            if postman is not None:
                await postman.stop()
            await clerk.stop()
            await replicator.stop()
            if node is None:
                await opened.close()

    # the cookie keys are needed before startup; the identity file is small and read once here
    identity = node.identity if node else load_node(settings.data_path)
    session_secret = identity.session_secret

    def secret(purpose: bytes) -> bytes:
        """Separate keys for sessions and CSRF, both derived from the node's session secret."""
        return hashlib.sha256(purpose + b"\0" + session_secret).digest()

    catalogs = i18n.load_catalogs()
    templates = TemplateConfig(
        instance=rendering.make_engine(
            HERE / "templates", catalogs, identity.node_id, identity.name
        )
    )
    session_config = SignedSessionConfig(
        secret=secret(b"mekaar-session"),
        key="mekaar_session",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=60 * 60 * 24 * 30,
    )
    csrf = CSRFConfig(
        secret=secret(b"mekaar-csrf").hex(),
        cookie_name="mekaar_csrf",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        # probes need no CSRF cookie; an unsubscribe link's own token is its proof (RFC 8058)
        exclude=["/schema", "/healthz", "/metrics", "/meldingen/uitschrijven/"],
    )
    static = create_static_files_router(
        path="/static",
        directories=[HERE / "static"],
        name="static",
        include_in_schema=False,
        opt={"acting": False},
    )
    app_metrics = AppMetrics()
    app = Litestar(
        route_handlers=[*ROUTES, static],
        lifespan=[lifespan],
        dependencies={
            "node": Provide(deps.provide_node, sync_to_thread=False),
            "db": Provide(deps.provide_db),
            "acting": Provide(deps.provide_acting, sync_to_thread=False),
        },
        before_request=deps.resolve_acting,
        plugins=[HTMXPlugin()],
        stores={"sessions": FileStore(settings.data_path / "sessions", create_directories=True)},
        middleware=[app_metrics.middleware, session_config.middleware],
        before_send=[security.add_security_headers],
        csrf_config=csrf,
        template_config=templates,
        exception_handlers=errors.handlers(settings.debug),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Mekaar",
            version="1",
            description="De gegevens van dit dorp: initiatieven, gesprekken, mensen, organisaties.",
            path="/schema",
        ),
        debug=settings.debug,
        logging_config=LoggingConfig(
            formatters=formatter_config(settings.log_format),
            loggers={
                "litestar": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
                "uvicorn.access": {"level": "INFO"},
                "uvicorn.error": {"level": "INFO"},
            },
        ),
        signature_namespace={"Node": Node},
    )
    app.state.metrics = app_metrics
    app.state.catalogs = catalogs  # web/errors.py translates refusals outside templates
    app_metrics.watch(app)
    return app
