"""What the SPEC promises of the MCP tools (spec.json, shared with the
TypeScript client tests)."""

import json
from pathlib import Path

SPEC = json.loads((Path(__file__).parent / "spec.json").read_text())
# The five tools of SPEC section 5 and the arguments each one takes.
TOOL_ARGUMENTS = {name: set(arguments) for name, arguments in SPEC["tools"].items()}
