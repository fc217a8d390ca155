"""spcb: the reproducible police and crime board report book."""

__version__ = "0.1.0"
