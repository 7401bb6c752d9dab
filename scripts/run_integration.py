"""Run the ansible-test integration targets against freshly started simulators.

One plain-HTTP simulator and one TLS simulator (self-signed certificate) are started; the targets
learn their URLs from ``tests/integration/integration_config.yml``, which ansible-test passes to
every target as variables. Each target creates its own tenants through the simulator's operator
API, so targets cannot see each other's state.
"""

import argparse
import os
import subprocess
import sys
import tempfile

from simulator_process import running_simulator


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", required=True, help="the .../ansible_collections/msp/connectwise copy to run in")
    parser.add_argument("targets", nargs="*", help="only these targets (default: all)")
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    logs = os.path.join(tree, "tests", "output", "simulator")
    os.makedirs(logs, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cwsim-tls-") as tls_dir, \
            running_simulator(log_path=os.path.join(logs, "http.log")) as url, \
            running_simulator("--tls", "--tls-dir", tls_dir, log_path=os.path.join(logs, "tls.log")) as tls_url:
        config = os.path.join(tree, "tests", "integration", "integration_config.yml")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write("---\ncw_sim_url: %s\ncw_sim_tls_url: %s\ncw_sim_ca_path: %s\n"
                         % (url, tls_url, os.path.join(tls_dir, "cert.pem")))
        command = ["ansible-test", "integration", "--python", "3.11", "--local", "--color", "no"] + args.targets
        result = subprocess.run(command, cwd=tree, check=False)
    if result.returncode:
        print("integration failed; simulator logs are in %s" % logs, file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
