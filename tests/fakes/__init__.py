"""Stand-ins for outside services, served on loopback by tests and benchmarks."""
