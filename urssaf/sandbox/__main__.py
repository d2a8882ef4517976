"""Run the sandbox in the foreground: ``python -m urssaf.sandbox --port 8080``."""

import argparse
import logging
import sys

from .server import SandboxServer


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m urssaf.sandbox",
        description="Local imitation of Urssaf's API Tiers de prestation.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument(
        "--db", default=":memory:", help="SQLite file (default: in memory)"
    )
    parser.add_argument(
        "--token-ttl", type=int, default=3600, help="token lifetime in seconds"
    )
    parser.add_argument(
        "--activation-delay",
        type=float,
        default=None,
        help="activate new particuliers automatically after S sandbox seconds",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    server = SandboxServer(
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        db_path=args.db,
        token_ttl=args.token_ttl,
        activation_delay=args.activation_delay,
    )
    logging.getLogger("urssaf.sandbox").info(
        "Urssaf sandbox listening on %s (database %s)", server.url, args.db
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logging.getLogger("urssaf.sandbox").info("Urssaf sandbox stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
