"""Lint: validation plus rules over the whole input set; findings as Problems."""
