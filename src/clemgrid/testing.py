"""Settings shared by the games' tests."""

import os

FUZZ_EXAMPLES = int(os.environ.get("CLEMGRID_FUZZ_EXAMPLES", "200"))
"""Examples per hypothesis robustness test: 200 by default, 10,000 in CI (.ci/run)."""
