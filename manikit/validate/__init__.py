"""Documents -> typed objects and Problems (the checks Kubernetes' API server would make)."""
