"""What every app may use and that uses nothing above it: the data version and
`write_transaction`, the cache and database guards with their outage breakers, read routing,
and the error codes with the domain error classes. Nothing here imports another capgraph
package (docs/design.md draws the layers; tests/schema/test_layers.py holds them)."""
