"""Command line: ``python -m cwsim --host 127.0.0.1 --port 8080 [options]``."""

import argparse
import asyncio
import logging
import os
import socket
import ssl
import sys
import tempfile

from aiohttp import web

from . import config
from .app import Simulator, make_app
from .tlsutil import make_certificate


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="cwsim", description="ConnectWise Manage REST API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the bound port here once the server is ready")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed certificate")
    parser.add_argument("--tls-dir", help="where cert.pem/key.pem go (default: a new temporary directory)")
    parser.add_argument("--surface", choices=("published", "extended"), default="published",
                        help="default API surface for tenants that do not set one")
    parser.add_argument("--tenants", help="tenant fixture (JSON or YAML)")
    parser.add_argument("--no-demo-tenants", action="store_true",
                        help="without --tenants: start with no tenant at all (create them through POST /_sim/tenants)")
    parser.add_argument("--bootstrap-out", help="without --tenants: write the demo tenants' bootstrap keys here (0600)")
    parser.add_argument("--state-file", help="load state from and save it to this JSON file (0600, atomic)")
    parser.add_argument("--token-lifetime", type=float, default=config.DEFAULT_TOKEN_LIFETIME,
                        help="default lifetime of member tokens in seconds")
    parser.add_argument("--access-log", help="append an access log here ('-' for stderr); secrets are never logged")
    return parser.parse_args(argv)


def load_specs(args):
    if args.tenants:
        return config.load_fixture(args.tenants, runtime_defaults(args))
    if args.no_demo_tenants:
        return []
    specs = config.demo_specs(args.surface, args.bootstrap_out)
    for spec in specs:
        spec["token_lifetime"] = args.token_lifetime
    return specs


def runtime_defaults(args):
    """What a tenant gets from the command line when its fixture entry (or POST /_sim/tenants) does not say."""
    return {"surface": args.surface, "token_lifetime": args.token_lifetime}


def _setup_logging(target):
    if not target:
        return False
    handler = logging.StreamHandler(sys.stderr) if target == "-" else logging.FileHandler(target)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("cwsim.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return True


async def serve(args, sim):
    app = make_app(sim, access_log=_setup_logging(args.access_log))
    ssl_context = None
    if args.tls:
        tls_dir = args.tls_dir or tempfile.mkdtemp(prefix="cwsim-tls-")
        cert, key = make_certificate(tls_dir, args.host)
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(cert, key)
        print("cwsim certificate %s" % cert, file=sys.stderr, flush=True)
    runner = web.AppRunner(app, access_log=None, handle_signals=True)
    await runner.setup()
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    site = web.SockSite(runner, sock, ssl_context=ssl_context, backlog=512)
    await site.start()
    port = sock.getsockname()[1]
    scheme = "https" if args.tls else "http"
    print("cwsim listening on %s://%s:%d" % (scheme, args.host, port), flush=True)
    if args.port_file:
        temp = args.port_file + ".tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write("%d\n" % port)
        os.replace(temp, args.port_file)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        specs = load_specs(args)
    except (OSError, ValueError) as exc:
        print("cwsim: %s" % exc, file=sys.stderr)
        return 2
    sim = Simulator(specs, args.state_file, runtime_defaults(args))
    try:
        asyncio.run(serve(args, sim))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
