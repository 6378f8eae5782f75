"""The local control plane over the Kubernetes REST API: what ``manikit serve`` runs.

tls        the certificate authority, server certificate, bearer token and kubeconfig
backend    the one module that touches the runtime (Api, reconcile): issue 13 moves it to a Cluster
resources  the served resources (plural, group, version, kind, verbs) and request paths
status     errors as Kubernetes Status objects with their HTTP codes
discovery  /version, /api, /apis: legacy documents and aggregated discovery v2
openapi    a minimal OpenAPI v3, enough for ``kubectl apply``
objects    GET, LIST, POST, PUT, DELETE and the subresources status, scale and binding
patch      JSON merge patch, JSON patch and strategic merge patch
apply      server-side apply: managedFields and conflicts
watch      chunked watch streams, bookmarks and the watch-list mode
table      Table responses with kubectl's columns
app        the Starlette application: authentication, dispatch, the background reconciler
"""
