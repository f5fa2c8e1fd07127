"""Benchmarks and load tests: this bot beside a bare Bot Framework echo bot, on loopback."""
