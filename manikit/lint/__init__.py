"""Lint: validation plus rules over the whole input set, with config, suppressions and reporters.

``engine.lint_files`` is the entry point; rules live one per module in ``rules/`` and are listed in
``registry.RULES``; reporters in ``reporters/`` turn a ``LintReport`` into text, JSON, SARIF, ...
"""
