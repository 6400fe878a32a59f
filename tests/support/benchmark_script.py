"""benchmarks/run_benchmarks.py loaded for tests: the folder holds scripts, not a package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "run_benchmarks.py"


def benchmark_script() -> ModuleType:
    """The script as a module, loaded once by its path."""
    if "run_benchmarks" not in sys.modules:
        spec = importlib.util.spec_from_file_location("run_benchmarks", SCRIPT)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["run_benchmarks"] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules["run_benchmarks"]
