"""The local control plane: store, API, controllers, scheduler."""
