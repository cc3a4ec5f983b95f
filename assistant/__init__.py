"""Offline voice assistant that helps a person choose between physiotherapy and massage therapy."""

__version__ = "0.1.0"
