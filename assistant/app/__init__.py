"""The app: the command line, the voice and typed conversations, and ``ask``.

It wires adapters to the core; nothing below imports it.
"""
