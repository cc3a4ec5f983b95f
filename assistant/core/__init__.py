"""The pure core: advice, decision, replies, controls, dialogue and settings as values.

No audio, files, clocks or engines here; it imports only the standard library and ``intents``
(checked by import-linter), so every behaviour can be tested in microseconds.
"""
