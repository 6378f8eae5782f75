"""Start-up: a command imports what it needs and nothing more (issue 17).

Each check runs in a fresh interpreter and looks at ``sys.modules``: an eager import of the control
plane, numpy, jinja2, rich or the lint rules into the entry module or the validate path fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from manikit.cli.app import COMMANDS, ROOT_STATE_OPTION, app
from manikit.cli.lazy import LazyCommands

ROOT = Path(__file__).resolve().parents[2]
ONE_FILE = ROOT / "examples" / "app" / "web-deployment.yaml"

# Never needed to start the CLI, print its help or validate a file.
HEAVY = (
    "numpy",
    "jinja2",
    "rich",
    "click",  # typer carries its own copy
    "sqlite_utils",
    "httpx",
    "starlette",
    "deepdiff",
    "jsonschema",
    "multiprocessing",
    "manikit.runtime",
    "manikit.plan",
    "manikit.apply",
    "manikit.server",
    "manikit.lint.registry",
    "manikit.lint.rules",
)


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _heavy(modules: set[str], extra: tuple[str, ...] = ()) -> list[str]:
    names = (*HEAVY, *extra)
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_the_entry_module_imports_no_command_and_nothing_heavy() -> None:
    modules = _modules_after("import manikit.cli.main, manikit.__main__")
    assert _heavy(modules, ("pydantic", "ruamel", "manikit.models", "importlib.metadata")) == []
    assert sorted(m for m in modules if m.endswith("_cmd")) == []
    # nor typer: run() raises the collector's thresholds before the libraries are imported
    assert _heavy(modules, ("typer", "traceback")) == []


def test_run_raises_the_collector_thresholds_before_importing_typer() -> None:
    """Importing typer and pydantic with the default thresholds ran the cyclic collector a score of
    times; run() raises them first (the probe stops at typer's import, before any command runs)."""
    probe = (
        "import builtins, gc, sys\n"
        "real = builtins.__import__\n"
        "def spy(name, *args, **kwargs):\n"
        "    if name == 'typer' and 'typer' not in sys.modules:\n"
        "        print(gc.get_threshold())\n"
        "        raise SystemExit(0)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = spy\n"
        "from manikit.cli.main import GC_THRESHOLDS, run\n"
        "sys.argv = ['manikit', '--help']\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "(200000, 30, 30)"


def test_errors_still_map_to_exit_codes_with_typer_imported_late() -> None:
    """The exit, abort and usage exceptions are typer's, looked up when main() runs."""
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "validate", "--jobs", "0", str(ONE_FILE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "Invalid value for '--jobs' / '-j'" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "manikit", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("manikit ")


def test_help_loads_no_command_module() -> None:
    modules = _modules_after(
        "from manikit.cli.main import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--help']) == 0"
    )
    assert sorted(m for m in modules if m.endswith("_cmd")) == []
    assert _heavy(modules, ("manikit.models", "manikit.validate")) == []


def test_validating_one_file_loads_only_the_validate_path(tmp_path: Path) -> None:
    env = {**os.environ, "MANIKIT_CACHE_DIR": str(tmp_path / "cache")}
    warm = subprocess.run([sys.executable, "-m", "manikit", "validate", str(ONE_FILE)], env=env, cwd=ROOT)
    assert warm.returncode == 0  # a user's later runs: the model schemas are kept (models/prebuilt.py)
    modules = _modules_after(
        f"from manikit.cli.main import main\nassert main(['validate', {str(ONE_FILE)!r}]) == 0", env
    )
    assert "manikit.validate.validator" in modules  # the probe did validate
    # nor the lint engine, the cluster layer or a second YAML library; a warm run also builds no model
    # schema (tests/models/test_prebuilt.py)
    lint_engine = ("manikit.lint.engine", "manikit.lint.walk", "manikit.lint.facts", "manikit.lint.findings")
    assert _heavy(modules, (*lint_engine, "manikit.cluster", "yaml", "sqlite3")) == []
    assert sorted(m for m in modules if m.endswith("_cmd")) == ["manikit.cli.validate_cmd"]
    # with no configuration file, nothing of lint but the search for one; hook mode's module only
    # with --hook; the model cache's writer (tempfile) only when a schema is written
    assert sorted(m for m in modules if m.startswith("manikit.lint.")) == ["manikit.lint.discovery"]
    assert _heavy(modules, ("manikit.cli.hook", "manikit.catalogue", "tempfile")) == []
    # nor typer's pydantic adapters for its options (cli/params.py), nor pydantic's plugin loader and
    # the importlib.metadata it reads entry points with
    assert _heavy(modules, ("typer._adapters", "pydantic.plugin._loader", "importlib.metadata")) == []


POD_MODELS = ("manikit.models.pod", "manikit.models.podextras", "manikit.models.volumes")
OTHER_KINDS = ("manikit.models.service", "manikit.models.node", "manikit.models.namespace")


@pytest.mark.parametrize(
    ("manifest", "loaded", "not_loaded"),
    [
        pytest.param(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n",
            "manikit.kinds.service",
            POD_MODELS,
            id="service",
        ),
        pytest.param(
            ONE_FILE.read_text(encoding="utf-8"), "manikit.kinds.deployment", OTHER_KINDS, id="deployment"
        ),
    ],
)
def test_validating_imports_the_models_of_the_kinds_in_the_file(
    tmp_path: Path, manifest: str, loaded: str, not_loaded: tuple[str, ...]
) -> None:
    """Each kind's models and rules are imported when a document of that kind is validated."""
    path = tmp_path / "one.yaml"
    path.write_text(manifest, encoding="utf-8")
    modules = _modules_after(
        f"from manikit.cli.main import main\nassert main(['validate', {str(path)!r}]) == 0"
    )
    assert loaded in modules
    assert _heavy(modules, not_loaded) == []


def test_a_config_file_is_still_read_by_validate(tmp_path: Path) -> None:
    """Loading the rules lazily must not skip the configuration's checks or its exclude globs."""
    (tmp_path / ".manikit.yaml").write_text("exclude: [vendor/**]\n", encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "bad.yaml").write_text("kind: [\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(ONE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "validate", "."], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "1 document in 1 file" in done.stderr
    (tmp_path / ".manikit.yaml").write_text("rules: {no-such-rule: off}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "validate", "."], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 2
    assert "unknown rule 'no-such-rule'" in done.stderr


def _loaded_group() -> typer.core.TyperGroup:
    group = typer.main.get_group(app)
    assert isinstance(group.commands, LazyCommands)
    return group


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_registry_line_is_the_commands_own_help(name: str) -> None:
    """--help lists commands from the registry without importing them: the line must be theirs."""
    command = _loaded_group().commands[name]
    help_text = command.help or ""
    first_paragraph = " ".join(help_text.split("\n\n")[0].split())
    assert COMMANDS[name].help == first_paragraph
    assert command.name == name


def test_every_registered_command_is_listed_in_order() -> None:
    group = _loaded_group()
    assert list(group.commands) == list(COMMANDS)
    assert [n for n in group.commands if n not in COMMANDS] == []


def test_unknown_commands_still_get_a_suggestion() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "valdate", "x.yaml"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2
    assert "Did you mean 'validate'?" in done.stderr


def test_the_root_state_option_is_the_commands_state_option() -> None:
    from manikit.cli.state import STATE_OPTION

    assert ROOT_STATE_OPTION.help == STATE_OPTION.help
    assert ROOT_STATE_OPTION.metavar == STATE_OPTION.metavar


def test_linting_one_file_loads_no_control_plane_and_no_rich() -> None:
    modules = _modules_after(
        f"from manikit.cli.main import main\nassert main(['lint', {str(ONE_FILE)!r}]) == 0"
    )
    assert "manikit.lint.registry" in modules  # the probe did lint: the rules are needed here
    lint_needs = ("manikit.lint.registry", "manikit.lint.rules")
    assert _heavy(modules) == sorted(m for m in _heavy(modules) if m.startswith(lint_needs))
    assert sorted(m for m in modules if m.endswith("_cmd")) == ["manikit.cli.lint_cmd"]
    # no nodes given: neither the Node model nor the nodes loader; hook mode's module only with --hook
    assert sorted({"manikit.models.node", "manikit.lint.nodes", "manikit.cli.hook"} & modules) == []
    # the text report only: no other reporter (JUnit's XML, SARIF's version metadata) is imported
    assert sorted(m for m in modules if m.startswith("manikit.lint.reporters.")) == [
        "manikit.lint.reporters.text"
    ]


def test_linting_with_default_options_builds_no_option_model() -> None:
    """Rule options are validated (their model built) only when a configuration sets them."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import contextlib, io\n"
            "from manikit.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    assert main(['lint', {str(ONE_FILE)!r}]) == 0\n"
            "from manikit.lint.registry import RULES\n"
            "print(sorted(c for c, r in RULES.items() if r.options.__pydantic_complete__))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]"]


def test_a_plan_without_preview_loads_no_controller_no_numpy_and_no_template_engine(tmp_path: Path) -> None:
    """A plan reads the state and dry-runs changed objects through the API: the controllers and the
    scheduler (and numpy with them), sqlite_utils (a state at the current schema needs no migration),
    jinja2 (text output) and the plan file's models (no -out) are not imported."""
    state, manifest = tmp_path / "state.db", tmp_path / "app.yaml"
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
    manifest.write_text(namespace + ONE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    applied = subprocess.run(
        [sys.executable, "-m", "manikit", "apply", "--state", str(state), "--auto-approve", str(manifest)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert applied.returncode == 0, applied.stderr
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("replicas: 3", "replicas: 4"))
    modules = _modules_after(
        "from manikit.cli.main import main\n"
        f"assert main(['plan', '--state', {str(state)!r}, '--no-preview', '--detailed-exitcode', "
        f"{str(manifest)!r}]) == 2"
    )
    assert "manikit.plan.planner" in modules and "manikit.runtime.api" in modules  # the probe did plan
    unneeded = (
        "numpy",
        "jinja2",
        "sqlite_utils",
        "click",
        "manikit.runtime.controllers",
        "manikit.runtime.scheduler",
        "manikit.runtime.reconcile",
        "manikit.plan.planfile",
        "pydantic.plugin._loader",
        "manikit.server",
        "manikit.lint.registry",
    )
    assert sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in unneeded)) == []


def test_an_apply_outside_a_terminal_loads_no_progress_bar(tmp_path: Path) -> None:
    """rich's progress bars are for a person at a terminal (an apply's bar, --wait's rollout bars)."""
    manifest = tmp_path / "m.yaml"
    manifest.write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n", encoding="utf-8")
    state = tmp_path / "s.db"
    modules = _modules_after(
        "from manikit.cli.main import main\n"
        f"assert main(['apply', '--state', {str(state)!r}, '--auto-approve', {str(manifest)!r}]) == 0"
    )
    assert "manikit.cli.apply_cmd" in modules  # the probe did apply
    assert sorted(m for m in modules if m in ("rich.progress", "manikit.cli.rollout_bars")) == []
