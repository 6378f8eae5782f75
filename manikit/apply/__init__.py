"""Apply: execute a Plan against a control plane; ordering; locking."""
